import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from './database.service.js';
import { OutboxRepository } from './outbox.repository.js';

/** One connector's delivery numbers, read from the store. */
export interface ConnectorBacklog {
  id: string;
  type: string;
  name: string;
  siteNumber: number;
  enabled: boolean;
  pausedReason: string | null;
  pending: number;
  deadLetters: number;
  oldestAcceptedAt?: number;
}

/** Backlog, dead letters and oldest pending message of every connector: for health and metrics. */
@Injectable()
export class BacklogStats {
  private readonly connectors: Statement<[], { id: string; type: string; name: string; site_number: number; enabled: number; paused_reason: string | null }>;
  private readonly deadLetterCounts: Statement<[], { connector_id: string; n: number }>;

  constructor(
    database: DatabaseService,
    private readonly outbox: OutboxRepository,
  ) {
    this.connectors = database.sqlite.prepare('SELECT id, type, name, site_number, enabled, paused_reason FROM connectors ORDER BY created_at, id');
    this.deadLetterCounts = database.sqlite.prepare('SELECT connector_id, count(*) AS n FROM dead_letters GROUP BY connector_id');
  }

  snapshot(): ConnectorBacklog[] {
    const dead = new Map(this.deadLetterCounts.all().map((row) => [row.connector_id, row.n]));
    return this.connectors.all().map((row) => {
      const pending = this.outbox.pendingCount(row.id);
      return {
        id: row.id,
        type: row.type,
        name: row.name,
        siteNumber: row.site_number,
        enabled: row.enabled === 1,
        pausedReason: row.paused_reason,
        pending,
        deadLetters: dead.get(row.id) ?? 0,
        oldestAcceptedAt: pending > 0 ? this.outbox.oldestAcceptedAt(row.id) : undefined,
      };
    });
  }
}
