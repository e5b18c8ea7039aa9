import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from './database.service.js';

export interface StoredAnswer {
  request_hash: string;
  status: number;
  response: string;
  created_at: number;
}

/**
 * The first answer to each `Idempotency-Key`, kept for a retention window (24 h by default). Recorded by the
 * outbox's group commit, in the transaction that commits the request's messages.
 */
@Injectable()
export class IdempotencyRepository {
  private statements?: {
    find: Statement<[string, number], StoredAnswer>;
    save: Statement<[string, string, number, string, number]>;
  };

  constructor(private readonly database: DatabaseService) {
    if (database.engine !== 'sqlite') return;
    const { sqlite } = database;
    this.statements = {
      find: sqlite.prepare('SELECT request_hash, status, response, created_at FROM idempotency_keys WHERE key = ? AND created_at >= ?'),
      // REPLACE: a key seen only before the retention window is a new request.
      save: sqlite.prepare(
        'INSERT OR REPLACE INTO idempotency_keys (key, request_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
    };
  }

  async lookup(key: string, notBefore: number): Promise<StoredAnswer | undefined> {
    if (this.statements) return this.statements.find.get(key, notBefore);
    return this.database.db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'status', 'response', 'created_at'])
      .where('key', '=', key)
      .where('created_at', '>=', notBefore)
      .executeTakeFirst();
  }

  /** Records an answer on SQLite, inside the transaction that commits the request's messages. */
  record(key: string, requestHash: string, status: number, response: unknown, at: number): void {
    if (!this.statements) throw new Error('PostgreSQL records keys in its own group commit');
    this.statements.save.run(key, requestHash, status, JSON.stringify(response), at);
  }

  async purge(olderThan: number): Promise<number> {
    const result = await this.database.db.deleteFrom('idempotency_keys').where('created_at', '<', olderThan).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
