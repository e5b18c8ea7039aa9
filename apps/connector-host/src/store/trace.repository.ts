import { Inject, Injectable } from '@nestjs/common';
import type { SelectQueryBuilder } from 'kysely';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { DatabaseService } from './database.service.js';
import type { Database } from './schema.js';

/** One line of the delivery trace: a message delivered (with where it landed) or skipped (with why). */
export interface TraceRow {
  connectorId: string | null;
  profileId: string;
  sourceId: string;
  status: 'delivered' | 'skipped';
  reason?: string;
  shardId?: string;
  sequenceNumber?: string;
  attempts?: number;
  acceptedAt: number;
  at: number;
}

export interface TraceFilter {
  profileId?: string;
  sourceId?: string;
  connectorId?: string;
}

/**
 * What became of recent messages. Delivered and skipped ones live in a bounded ring in memory (the newest
 * TRACE_MAX_ENTRIES, none older than TRACE_RETENTION_MS): writing them to SQLite cost as much as the rest of
 * delivery, and a trace is for looking at what just happened, so it need not outlive a restart. Pending and
 * dead-lettered messages are read from the outbox and the dead letters themselves, which do.
 */
@Injectable()
export class TraceRepository {
  readonly enabled: boolean;
  private readonly ring: (TraceRow | undefined)[];
  private next = 0;

  constructor(
    private readonly database: DatabaseService,
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
  ) {
    this.enabled = config.traceRetentionMs > 0 && config.traceMaxEntries > 0;
    this.ring = new Array(this.enabled ? config.traceMaxEntries : 0);
  }

  /** Records facts that were just committed. */
  write(rows: readonly TraceRow[]): void {
    if (!this.enabled) return;
    for (const row of rows) {
      this.ring[this.next] = row;
      this.next = (this.next + 1) % this.ring.length;
    }
  }

  /** The newest traced rows matching every given filter, newest first, within the retention. */
  find(filter: TraceFilter, limit: number, now = Date.now()): TraceRow[] {
    const found: TraceRow[] = [];
    const oldest = now - this.config.traceRetentionMs;
    for (let step = 1; step <= this.ring.length && found.length < limit; step++) {
      const row = this.ring[(this.next - step + this.ring.length) % this.ring.length];
      if (!row || row.at < oldest) break;
      if (filter.profileId !== undefined && row.profileId !== filter.profileId) continue;
      if (filter.sourceId !== undefined && row.sourceId !== filter.sourceId) continue;
      if (filter.connectorId !== undefined && row.connectorId !== filter.connectorId) continue;
      found.push(row);
    }
    return found;
  }

  /** Dead letters matching the filter. */
  async deadLettered(filter: TraceFilter, limit: number) {
    return this.matching(this.database.db.selectFrom('dead_letters').selectAll(), filter).orderBy('id', 'desc').limit(limit).execute();
  }

  /** Dead letters name the profile `partition_key`. */
  private matching<Q extends SelectQueryBuilder<Database, 'dead_letters', object>>(query: Q, filter: TraceFilter): Q {
    let narrowed = query as SelectQueryBuilder<Database, 'dead_letters', object>;
    if (filter.profileId !== undefined) narrowed = narrowed.where('partition_key', '=', filter.profileId);
    if (filter.sourceId !== undefined) narrowed = narrowed.where('source_id', '=', filter.sourceId);
    if (filter.connectorId !== undefined) narrowed = narrowed.where('connector_id', '=', filter.connectorId);
    return narrowed as unknown as Q;
  }
}
