import type { Statement } from 'better-sqlite3';
import type { StoredAnswer } from '../repositories/idempotency.repository.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Idempotency keys on SQLite: the hot lookup prepared once, and the outbox's record of an answer in its commit. */
export class SqliteIdempotencyKeys {
  private readonly find: Statement<[string, number], StoredAnswer>;
  private readonly save: Statement<[string, string, number, string, number]>;

  constructor({ sqlite }: SqliteDatabase) {
    this.find = sqlite.prepare('SELECT request_hash, status, response, created_at FROM idempotency_keys WHERE key = ? AND created_at >= ?');
    // REPLACE: a key seen only before the retention window is a new request.
    this.save = sqlite.prepare(
      'INSERT OR REPLACE INTO idempotency_keys (key, request_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?)',
    );
  }

  lookup(key: string, notBefore: number): StoredAnswer | undefined {
    return this.find.get(key, notBefore);
  }

  /** Records an answer, inside the transaction that commits the request's messages. */
  record(key: string, requestHash: string, status: number, response: unknown, at: number): void {
    this.save.run(key, requestHash, status, JSON.stringify(response), at);
  }
}
