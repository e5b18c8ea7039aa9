import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { SelectQueryBuilder } from 'kysely';
import type { Database } from './schema.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { DatabaseService } from './database.service.js';

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

const PURGE_EVERY_MS = 60_000;

/**
 * The recent history of delivered and skipped messages, kept for `TRACE_RETENTION_MS` (0 turns it off).
 * Rows are written inside the transactions that commit the facts they record.
 */
@Injectable()
export class TraceRepository implements OnModuleInit, OnModuleDestroy {
  readonly enabled: boolean;
  private readonly insert: Statement;
  private readonly purgeOlder: Statement<[number]>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly database: DatabaseService,
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
  ) {
    this.enabled = config.traceRetentionMs > 0;
    this.insert = database.sqlite.prepare(
      `INSERT INTO delivery_trace (connector_id, profile_id, source_id, status, reason, shard_id, sequence_number, attempts, accepted_at, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Ids grow with time, so the oldest row still in retention marks the cut-off; no index on `at` is needed.
    this.purgeOlder = database.sqlite.prepare(
      'DELETE FROM delivery_trace WHERE id < coalesce((SELECT id FROM delivery_trace WHERE at >= ? ORDER BY id LIMIT 1), (SELECT max(id) + 1 FROM delivery_trace))',
    );
  }

  onModuleInit(): void {
    this.timer = setInterval(() => this.purge(), PURGE_EVERY_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Writes rows; call it inside the transaction that commits what they record. */
  write(rows: readonly TraceRow[]): void {
    if (!this.enabled) return;
    for (const row of rows) {
      this.insert.run(row.connectorId, row.profileId, row.sourceId, row.status, row.reason ?? null, row.shardId ?? null, row.sequenceNumber ?? null, row.attempts ?? null, row.acceptedAt, row.at);
    }
  }

  purge(now = Date.now()): number {
    return this.purgeOlder.run(now - this.config.traceRetentionMs).changes;
  }

  /** The newest traced rows matching every given filter. */
  async find(filter: TraceFilter, limit: number) {
    let query = this.database.db.selectFrom('delivery_trace').selectAll();
    if (filter.profileId !== undefined) query = query.where('profile_id', '=', filter.profileId);
    if (filter.sourceId !== undefined) query = query.where('source_id', '=', filter.sourceId);
    if (filter.connectorId !== undefined) query = query.where('connector_id', '=', filter.connectorId);
    return query.where('at', '>=', Date.now() - this.config.traceRetentionMs).orderBy('id', 'desc').limit(limit).execute();
  }

  /** Messages still waiting, matching the filter (read from the outbox itself). */
  async pending(filter: TraceFilter, limit: number) {
    return this.matching(this.database.db.selectFrom('outbox').selectAll(), filter).orderBy('seq', 'desc').limit(limit).execute();
  }

  /** Dead letters matching the filter. */
  async deadLettered(filter: TraceFilter, limit: number) {
    return this.matching(this.database.db.selectFrom('dead_letters').selectAll(), filter).orderBy('id', 'desc').limit(limit).execute();
  }

  /** Outbox and dead letters name the profile `partition_key`; both have `source_id` and `connector_id`. */
  private matching<Q extends SelectQueryBuilder<Database, 'outbox' | 'dead_letters', object>>(query: Q, filter: TraceFilter): Q {
    let narrowed = query as SelectQueryBuilder<Database, 'outbox', object>;
    if (filter.profileId !== undefined) narrowed = narrowed.where('partition_key', '=', filter.profileId);
    if (filter.sourceId !== undefined) narrowed = narrowed.where('source_id', '=', filter.sourceId);
    if (filter.connectorId !== undefined) narrowed = narrowed.where('connector_id', '=', filter.connectorId);
    return narrowed as unknown as Q;
  }
}
