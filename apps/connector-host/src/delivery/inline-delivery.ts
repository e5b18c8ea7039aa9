import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { Subscription } from 'rxjs';
import { IntakeNotifications } from '../intake/intake-notifications.js';
import type { MessageFilter } from '../store/message-filter.js';
import { DeliveryControl, type RunningLoops } from './delivery-control.js';
import { DeliveryTrace, type TraceRow } from './delivery-trace.js';
import { DeliveryService } from './delivery.service.js';

/** Delivery on the host's own event loop (DELIVERY_THREAD=false, or connector modules handed in as objects). */
@Injectable()
export class InlineDelivery extends DeliveryControl implements OnModuleDestroy {
  private readonly subscription: Subscription;

  constructor(
    private readonly delivery: DeliveryService,
    private readonly trace: DeliveryTrace,
    intake: IntakeNotifications,
  ) {
    super();
    this.subscription = intake.committed$.subscribe(({ routed }) => delivery.arrived(routed.connectors.keys()));
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }

  loops(): Promise<RunningLoops> {
    return Promise.resolve(this.delivery.loops());
  }

  wake(connectorIds: readonly string[]): void {
    this.delivery.wake(connectorIds);
  }

  traced(filter: MessageFilter, limit: number): Promise<TraceRow[]> {
    return Promise.resolve(this.trace.find(filter, limit));
  }

  metricsElsewhere(): Promise<MetricObjectWithValues<MetricValue<string>>[]> {
    return Promise.resolve([]);
  }
}
