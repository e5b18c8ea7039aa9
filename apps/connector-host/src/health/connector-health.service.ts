import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DeliveryControl } from '../delivery/delivery-control.js';
import { MetricsService } from '../observability/metrics.service.js';
import { BacklogStats, type ConnectorBacklog } from '../store/repositories/backlog-stats.js';
import type { LoopStatus } from '../delivery/delivery-control.js';
import { type ConnectorHealth, CONNECTOR_STATUSES } from './connector-health.js';

@Injectable()
export class ConnectorHealthService implements OnModuleInit {
  constructor(
    private readonly stats: BacklogStats,
    private readonly delivery: DeliveryControl,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.readBacklogsFrom({
      backlogs: async () =>
        (await this.stats.snapshot()).map((connector) => ({
          labels: { connector_id: connector.id, connector_type: connector.type },
          pending: connector.pending,
          pendingBytes: connector.pendingBytes,
          deadLetters: connector.deadLetters,
          oldestAgeSeconds: connector.oldestAcceptedAt === undefined ? 0 : (Date.now() - connector.oldestAcceptedAt) / 1000,
        })),
    });
    // One sample per connector and status, 1 for the status it is in (as kube-state-metrics writes phases), so an
    // alert can say "failing for 10 minutes" and a dashboard can count connectors per status.
    this.metrics.gaugeAtScrape(
      'connector_host_connector_status',
      'Delivery status of each connector: 1 for the status it is in (active, failing, stalled, paused, disabled)',
      ['connector_id', 'connector_type', 'status'],
      async () =>
        (await this.connectors()).flatMap((connector) =>
          CONNECTOR_STATUSES.map((status) => ({
            labels: { connector_id: connector.id, connector_type: connector.type, status },
            value: connector.status === status ? 1 : 0,
          })),
        ),
    );
  }

  /** Every connector's health, or with `site` only that site's. */
  async connectors(site?: number): Promise<ConnectorHealth[]> {
    const loops = await this.delivery.loops();
    const now = Date.now();
    const snapshot = await this.stats.snapshot();
    return snapshot
      .filter((connector) => site === undefined || connector.siteNumber === site)
      .map((connector) => {
        const loop = loops.get(connector.id);
        return {
          id: connector.id,
          type: connector.type,
          name: connector.name,
          siteNumber: connector.siteNumber,
          status: statusOf(connector, loop),
          pausedReason: connector.pausedReason,
          stalledSince: loop?.stalledSince === undefined ? null : new Date(loop.stalledSince).toISOString(),
          lastSuccessAt: loop?.lastSuccessAt ? new Date(loop.lastSuccessAt).toISOString() : null,
          lastError: loop?.lastError
            ? { code: loop.lastError.code, message: loop.lastError.message, at: new Date(loop.lastError.at).toISOString() }
            : null,
          backlog: connector.pending,
          deadLetters: connector.deadLetters,
          oldestPendingAgeSeconds:
            connector.oldestAcceptedAt === undefined ? null : Math.round((now - connector.oldestAcceptedAt) / 100) / 10,
        };
      });
  }
}

function statusOf(connector: ConnectorBacklog, loop: LoopStatus | undefined): ConnectorHealth['status'] {
  if (!connector.enabled) return 'disabled';
  if (connector.pausedReason) return 'paused';
  if (loop?.stalledSince !== undefined) return 'stalled';
  return loop && loop.failingRounds > 0 ? 'failing' : 'active';
}
