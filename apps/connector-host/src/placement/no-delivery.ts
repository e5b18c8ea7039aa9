import { Injectable } from '@nestjs/common';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { DeliveryControl, type RunningLoops } from '../delivery/delivery-control.js';

/**
 * ROLE=intake: this instance runs no delivery loops (delivering instances sharing the store send what it takes).
 */
@Injectable()
export class NoDelivery extends DeliveryControl {
  loops(): Promise<RunningLoops> {
    return Promise.resolve(new Map());
  }

  metricsElsewhere(): Promise<MetricObjectWithValues<MetricValue<string>>[]> {
    return Promise.resolve([]);
  }
}
