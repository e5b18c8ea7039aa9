import { Injectable } from '@nestjs/common';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { DeliveryControl, type RunningLoops } from '../delivery/delivery-control.js';
import { DeliveryService } from '../delivery/delivery.service.js';

/**
 * Delivery on the host's own event loop (DELIVERY_THREAD=false, PostgreSQL, or connector modules handed in as
 * objects). Its loops hear of new messages from the outbox (arrived$), as on every placement.
 */
@Injectable()
export class InlineDelivery extends DeliveryControl {
  constructor(private readonly delivery: DeliveryService) {
    super();
  }

  loops(): Promise<RunningLoops> {
    return Promise.resolve(this.delivery.loops());
  }

  metricsElsewhere(): Promise<MetricObjectWithValues<MetricValue<string>>[]> {
    return Promise.resolve([]);
  }
}
