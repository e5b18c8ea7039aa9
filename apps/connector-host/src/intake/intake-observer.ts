import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { MetricsService } from '../observability/metrics.service.js';
import { type CommittedRequest, IntakeNotifications } from './intake-notifications.js';

/** Counts what intake committed (events received, messages routed per connector, skips by reason) and what it refused. */
@Injectable()
export class IntakeObserver implements OnModuleDestroy {
  private readonly subscriptions: Subscription[];

  constructor(
    private readonly metrics: MetricsService,
    notifications: IntakeNotifications,
  ) {
    this.subscriptions = [
      notifications.committed$.subscribe((request) => this.count(request)),
      notifications.refused$.subscribe(({ limit, connectorId }) =>
        this.metrics.intakeRefused.inc({ limit, connector_id: connectorId ?? '' }),
      ),
    ];
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  private count({ events, routed }: CommittedRequest): void {
    this.metrics.eventsReceived.inc(events);
    const perConnector = new Map<string, number>();
    for (const message of routed.messages) perConnector.set(message.connectorId, (perConnector.get(message.connectorId) ?? 0) + 1);
    for (const [connectorId, count] of perConnector) {
      this.metrics.messagesRouted.inc({ connector_id: connectorId, connector_type: routed.connectors.get(connectorId) ?? '' }, count);
    }
    for (const [reason, count] of Object.entries(routed.skipped)) this.metrics.messagesSkipped.inc({ reason }, count ?? 0);
  }
}
