import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { Selectable } from 'kysely';
import type { OutboxTable } from './schema.js';
import { DatabaseService } from './database.service.js';
import { type TraceRow, TraceRepository } from './trace.repository.js';

/** A message waiting for delivery, in acceptance order (`seq`). */
export type PendingMessage = Omit<Selectable<OutboxTable>, 'last_error_code' | 'last_error_message'>;

/** A routed message, ready to be committed. */
export interface NewMessage {
  connectorId: string;
  partitionKey: string;
  sourceId: string;
  body: string;
}

export interface RetryUpdate {
  seq: number;
  nextAttemptAt: number;
  code: string;
  message: string;
}

export interface DeadLetterUpdate {
  seq: number;
  code: string;
  message: string;
}

/** What one delivery round decided, written in one transaction. */
export interface Settlement {
  delivered: number[];
  retry: RetryUpdate[];
  dead: DeadLetterUpdate[];
  /** Trace lines of the delivered messages, recorded once the settlement committed. */
  trace?: TraceRow[];
}

/**
 * The outbox: every accepted, not yet acknowledged message. The hot path, so statements are prepared once
 * and run synchronously inside better-sqlite3 transactions, which nothing else in the process can interleave.
 * It is the only writer of the table, so it keeps each connector's backlog size in memory, exact.
 */
@Injectable()
export class OutboxRepository {
  private readonly pending = new Map<string, number>();
  private readonly insert: Statement<[string, string, string, string, number]>;
  private readonly pageAfter: Statement<[string, number, number], PendingMessage>;
  private readonly remove: Statement<[number]>;
  private readonly reschedule: Statement<[number, string, string, number]>;
  private readonly bury: Statement<[number, string, string, number]>;
  private readonly expired: Statement<[string, number, number], { seq: number }>;
  private readonly buryExpired: Statement<[number, string, number]>;
  private readonly oldest: Statement<[string], { accepted_at: number } >;
  /** Appends messages; the caller runs it inside its own transaction (with the idempotency record). */
  readonly appendAll: (messages: readonly NewMessage[], acceptedAt: number) => void;
  private readonly settle: (settlement: Settlement) => void;
  private readonly expireTransaction: (connectorId: string, acceptedBefore: number, limit: number) => number;

  constructor(
    private readonly database: DatabaseService,
    private readonly trace: TraceRepository,
  ) {
    const { sqlite } = database;
    this.insert = sqlite.prepare('INSERT INTO outbox (connector_id, partition_key, source_id, body, accepted_at, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, 0, 0)');
    this.pageAfter = sqlite.prepare(
      `SELECT seq, connector_id, partition_key, body, accepted_at, attempts, next_attempt_at, source_id
       FROM outbox WHERE connector_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
    );
    this.remove = sqlite.prepare('DELETE FROM outbox WHERE seq = ?');
    this.reschedule = sqlite.prepare(
      'UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error_code = ?, last_error_message = ? WHERE seq = ?',
    );
    this.bury = sqlite.prepare(
      `INSERT INTO dead_letters (connector_id, partition_key, source_id, body, accepted_at, attempts, failed_at, error_code, error_message)
       SELECT connector_id, partition_key, source_id, body, accepted_at, attempts + 1, ?, ?, ? FROM outbox WHERE seq = ?`,
    );
    this.expired = sqlite.prepare('SELECT seq FROM outbox WHERE connector_id = ? AND accepted_at < ? ORDER BY seq LIMIT ?');
    this.buryExpired = sqlite.prepare(
      `INSERT INTO dead_letters (connector_id, partition_key, source_id, body, accepted_at, attempts, failed_at, error_code, error_message)
       SELECT connector_id, partition_key, source_id, body, accepted_at, attempts, ?, 'MaxAgeExceeded',
              ? || coalesce(last_error_code || ': ' || last_error_message, 'none') FROM outbox WHERE seq = ?`,
    );
    this.oldest = sqlite.prepare('SELECT accepted_at FROM outbox WHERE connector_id = ? ORDER BY seq LIMIT 1');
    for (const row of sqlite.prepare('SELECT connector_id, count(*) AS n FROM outbox GROUP BY connector_id').all() as { connector_id: string; n: number }[]) {
      this.pending.set(row.connector_id, row.n);
    }

    this.appendAll = (messages, acceptedAt) => {
      for (const message of messages) this.insert.run(message.connectorId, message.partitionKey, message.sourceId, message.body, acceptedAt);
      // Counted only once the caller's transaction commits: see `committed`.
    };
    const settleTransaction = sqlite.transaction((settlement: Settlement) => {
      const now = Date.now();
      for (const seq of settlement.delivered) this.remove.run(seq);
      for (const retry of settlement.retry) this.reschedule.run(retry.nextAttemptAt, retry.code, retry.message, retry.seq);
      for (const dead of settlement.dead) {
        this.bury.run(now, dead.code, dead.message, dead.seq);
        this.remove.run(dead.seq);
      }
    });
    // A settlement only removes acknowledged messages (or moves them to dead letters): if a power cut loses it,
    // those messages are sent again (a duplicate, never a loss). So it commits without its own fsync; the next
    // accepting commit (synchronous=FULL) makes it durable with everything before it in the WAL.
    this.settle = (settlement) => {
      sqlite.pragma('synchronous = NORMAL');
      try {
        settleTransaction(settlement);
      } finally {
        sqlite.pragma('synchronous = FULL');
      }
      if (settlement.trace) this.trace.write(settlement.trace);
    };
    this.expireTransaction = sqlite.transaction((connectorId: string, acceptedBefore: number, limit: number) => {
      const now = Date.now();
      const rows = this.expired.all(connectorId, acceptedBefore, limit);
      for (const { seq } of rows) {
        this.buryExpired.run(now, 'undelivered past the maximum age; last error ', seq);
        this.remove.run(seq);
      }
      return rows.length;
    });
  }

  /** Records messages whose transaction committed in the backlog sizes. */
  committed(messages: readonly NewMessage[]): void {
    for (const message of messages) this.adjust(message.connectorId, 1);
  }

  /** Applies a settlement and updates the backlog size. */
  settleFor(connectorId: string, settlement: Settlement): void {
    this.settle(settlement);
    this.adjust(connectorId, -(settlement.delivered.length + settlement.dead.length));
  }

  /** Pending messages of a connector after `afterSeq`, in acceptance order, due or not. */
  page(connectorId: string, afterSeq: number, limit: number): PendingMessage[] {
    return this.pageAfter.all(connectorId, afterSeq, limit);
  }

  /** Dead-letters up to `limit` messages accepted before `acceptedBefore`; returns how many. */
  expire(connectorId: string, acceptedBefore: number, limit = 10_000): number {
    const count = this.expireTransaction(connectorId, acceptedBefore, limit);
    this.adjust(connectorId, -count);
    return count;
  }

  pendingCount(connectorId: string): number {
    return this.pending.get(connectorId) ?? 0;
  }

  /** When the oldest pending message of a connector was accepted, if any. */
  oldestAcceptedAt(connectorId: string): number | undefined {
    return this.oldest.get(connectorId)?.accepted_at;
  }

  /** A replay put messages back, or a deletion took them away. */
  adjust(connectorId: string, delta: number): void {
    const next = (this.pending.get(connectorId) ?? 0) + delta;
    if (next > 0) this.pending.set(connectorId, next);
    else this.pending.delete(connectorId);
  }

  forget(connectorId: string): void {
    this.pending.delete(connectorId);
  }
}
