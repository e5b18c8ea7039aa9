import { Injectable } from '@nestjs/common';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { DeliveryControl, type RunningLoops } from '../delivery/delivery-control.js';
import type { TraceRow } from '../trace/delivery-trace.js';
import { DeliveryTrace } from '../trace/delivery-trace.js';
import type { MessageFilter } from '../store/message-filter.js';

/**
 * ROLE=intake: this instance runs no delivery loops (delivering instances sharing the store send what it takes).
 * The trace still shows its skips.
 */
@Injectable()
export class NoDelivery extends DeliveryControl {
  constructor(private readonly trace: DeliveryTrace) {
    super();
  }

  loops(): Promise<RunningLoops> {
    return Promise.resolve(new Map());
  }

  traced(filter: MessageFilter, limit: number): Promise<TraceRow[]> {
    return Promise.resolve(this.trace.find(filter, limit));
  }

  metricsElsewhere(): Promise<MetricObjectWithValues<MetricValue<string>>[]> {
    return Promise.resolve([]);
  }
}
