import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from './database.service.js';

/** A message waiting for delivery, in acceptance order (`seq`). */
export interface PendingMessage {
  seq: number;
  connector_id: string;
  partition_key: string;
  body: string;
  accepted_at: number;
  attempts: number;
  next_attempt_at: number;
}

/** A routed message, ready to be committed. */
export interface NewMessage {
  connectorId: string;
  partitionKey: string;
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
}

/**
 * The outbox: every accepted, not yet acknowledged message. The hot path, so statements are built with Kysely
 * once, prepared once, and run synchronously inside better-sqlite3 transactions (which nothing can interleave).
 */
@Injectable()
export class OutboxRepository {
  private readonly insert: Statement;
  private readonly window: Statement<[string, number], PendingMessage>;
  private readonly remove: Statement<[number]>;
  private readonly reschedule: Statement<[number, string, string, number]>;
  private readonly bury: Statement<[number, string, string, number]>;
  private readonly count: Statement<[string], { n: number }>;
  readonly appendAll: (messages: readonly NewMessage[], acceptedAt: number) => void;
  readonly settle: (settlement: Settlement) => void;

  constructor(database: DatabaseService) {
    const { db, sqlite } = database;
    const prepare = (query: { compile(): { sql: string } }) => sqlite.prepare(query.compile().sql);
    this.insert = prepare(
      db.insertInto('outbox').values({ connector_id: '', partition_key: '', body: '', accepted_at: 0, attempts: 0, next_attempt_at: 0 }),
    );
    this.window = prepare(
      db
        .selectFrom('outbox')
        .select(['seq', 'connector_id', 'partition_key', 'body', 'accepted_at', 'attempts', 'next_attempt_at'])
        .where('connector_id', '=', '')
        .orderBy('seq')
        .limit(0),
    ) as Statement<[string, number], PendingMessage>;
    this.remove = prepare(db.deleteFrom('outbox').where('seq', '=', 0)) as Statement<[number]>;
    this.reschedule = sqlite.prepare(
      'UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error_code = ?, last_error_message = ? WHERE seq = ?',
    );
    this.bury = sqlite.prepare(
      `INSERT INTO dead_letters (connector_id, partition_key, body, accepted_at, attempts, failed_at, error_code, error_message)
       SELECT connector_id, partition_key, body, accepted_at, attempts + 1, ?, ?, ? FROM outbox WHERE seq = ?`,
    );
    this.count = sqlite.prepare('SELECT count(*) AS n FROM outbox WHERE connector_id = ?');

    this.appendAll = sqlite.transaction((messages: readonly NewMessage[], acceptedAt: number) => {
      for (const message of messages) this.insert.run(message.connectorId, message.partitionKey, message.body, acceptedAt, 0, 0);
    });
    this.settle = sqlite.transaction((settlement: Settlement) => {
      const now = Date.now();
      for (const seq of settlement.delivered) this.remove.run(seq);
      for (const retry of settlement.retry) this.reschedule.run(retry.nextAttemptAt, retry.code, retry.message, retry.seq);
      for (const dead of settlement.dead) {
        this.bury.run(now, dead.code, dead.message, dead.seq);
        this.remove.run(dead.seq);
      }
    });
  }

  /** The oldest `limit` pending messages of a connector, due or not: the delivery loop picks from these. */
  head(connectorId: string, limit: number): PendingMessage[] {
    return this.window.all(connectorId, limit);
  }

  pendingCount(connectorId: string): number {
    return this.count.get(connectorId)?.n ?? 0;
  }
}
