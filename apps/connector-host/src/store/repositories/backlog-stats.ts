import { Injectable } from '@nestjs/common';
import { ConnectorsRepository } from './connectors.repository.js';
import { DeadLettersRepository } from './dead-letters.repository.js';
import { OutboxStore } from '../outbox/outbox-store.js';

/** One connector's delivery numbers, read from the store. */
export interface ConnectorBacklog {
  id: string;
  type: string;
  name: string;
  siteNumber: number;
  enabled: boolean;
  pausedReason: string | null;
  pending: number;
  /** Bytes the store holds for its pending messages (SITE_MAX_BACKLOG_BYTES sums them per site). */
  pendingBytes: number;
  deadLetters: number;
  oldestAcceptedAt?: number;
}

/** Backlog, dead letters and oldest pending message of every connector: for health and metrics. */
@Injectable()
export class BacklogStats {
  constructor(
    private readonly connectors: ConnectorsRepository,
    private readonly deadLetters: DeadLettersRepository,
    private readonly outbox: OutboxStore,
  ) {}

  async snapshot(): Promise<ConnectorBacklog[]> {
    const [dead, summaries] = await Promise.all([this.deadLetters.countsByConnector(), this.connectors.summaries()]);
    const oldest = new Map<string, number | undefined>();
    await Promise.all(
      summaries
        .filter((row) => this.outbox.pendingCount(row.id) > 0)
        .map(async (row) => oldest.set(row.id, await this.outbox.oldestAcceptedAt(row.id))),
    );
    return summaries.map((row) => {
      const pending = this.outbox.pendingCount(row.id);
      return {
        id: row.id,
        type: row.type,
        name: row.name,
        siteNumber: row.site_number,
        enabled: row.enabled === 1,
        pausedReason: row.paused_reason,
        pending,
        pendingBytes: this.outbox.pendingBytes(row.id),
        deadLetters: dead.get(row.id) ?? 0,
        oldestAcceptedAt: pending > 0 ? oldest.get(row.id) : undefined,
      };
    });
  }
}
