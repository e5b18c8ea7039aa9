import { Injectable } from '@nestjs/common';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { MessageFilter } from '../store/message-filter.js';
import { DeliveryControl, type RunningLoops } from '../delivery/delivery-control.js';
import { DeliveryTrace, type TraceRow } from '../trace/delivery-trace.js';
import { DeliveryService } from '../delivery/delivery.service.js';

/**
 * Delivery on the host's own event loop (DELIVERY_THREAD=false, PostgreSQL, or connector modules handed in as
 * objects). Its loops hear of new messages from the outbox (arrived$), as on every placement.
 */
@Injectable()
export class InlineDelivery extends DeliveryControl {
  constructor(
    private readonly delivery: DeliveryService,
    private readonly trace: DeliveryTrace,
  ) {
    super();
  }

  loops(): Promise<RunningLoops> {
    return Promise.resolve(this.delivery.loops());
  }

  traced(filter: MessageFilter, limit: number): Promise<TraceRow[]> {
    return Promise.resolve(this.trace.find(filter, limit));
  }

  metricsElsewhere(): Promise<MetricObjectWithValues<MetricValue<string>>[]> {
    return Promise.resolve([]);
  }
}
