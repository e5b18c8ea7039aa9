import { Injectable } from '@nestjs/common';
import type { DeliveryOutcome } from '@event-connectors/connector-sdk';
import { MetricsService } from '../observability/metrics.service.js';
import type { ConnectorRow } from '../store/repositories/connectors.repository.js';
import type { PendingMessage } from '../store/outbox/outbox-store.js';
import type { RoundResult } from './settle-outcomes.js';

/** One delivery round (one call), as metrics see it. */
export interface RoundReport {
  connector: ConnectorRow;
  batch: readonly PendingMessage[];
  outcomes: readonly DeliveryOutcome[];
  result: RoundResult;
  latencyMs: number;
  finishedAt: number;
}

/** Turns each delivery round into metrics. */
@Injectable()
export class DeliveryObserver {
  constructor(private readonly metrics: MetricsService) {}

  observe({ connector, batch, outcomes, result, latencyMs, finishedAt }: RoundReport): void {
    const labels = { connector_id: connector.id, connector_type: connector.type };
    this.metrics.batchSize.observe(labels, batch.length);
    this.metrics.requestLatency.observe(labels, latencyMs / 1000);
    let bytes = 0;
    // One label lookup per round, not per message: a round observes up to 500 latencies.
    const acceptToAck = this.metrics.acceptToAck.labels(labels);
    batch.forEach((message, index) => {
      const outcome = outcomes[index];
      if (outcome?.status === 'delivered') {
        bytes += Buffer.byteLength(message.body) + Buffer.byteLength(message.partition_key);
        acceptToAck.observe((finishedAt - message.accepted_at) / 1000);
      } else {
        const code = outcome ? outcome.reason.code.slice(0, 64) : 'MissingOutcome';
        this.metrics.recordsFailed.inc({ ...labels, error_code: code });
      }
    });
    this.metrics.recordsPut.inc(labels, result.delivered.length);
    this.metrics.bytesPut.inc(labels, bytes);
    if (result.retry.length > 0) this.metrics.retries.inc(labels, result.retry.length);
    if (result.dead.length > 0) this.metrics.deadLettered.inc(labels, result.dead.length);
  }
}
