import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from './database.service.js';

export interface StoredAnswer {
  request_hash: string;
  status: number;
  response: string;
  created_at: number;
}

/** The first answer to each `Idempotency-Key`, kept for a retention window (24 h by default). */
@Injectable()
export class IdempotencyRepository {
  private readonly find: Statement<[string, number], StoredAnswer>;
  private readonly save: Statement<[string, string, number, string, number]>;
  private readonly purgeOlder: Statement<[number]>;

  constructor(database: DatabaseService) {
    const { sqlite } = database;
    this.find = sqlite.prepare('SELECT request_hash, status, response, created_at FROM idempotency_keys WHERE key = ? AND created_at >= ?');
    // REPLACE: a key seen only before the retention window is a new request.
    this.save = sqlite.prepare(
      'INSERT OR REPLACE INTO idempotency_keys (key, request_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.purgeOlder = sqlite.prepare('DELETE FROM idempotency_keys WHERE created_at < ?');
  }

  lookup(key: string, notBefore: number): StoredAnswer | undefined {
    return this.find.get(key, notBefore);
  }

  /** Records an answer; run inside the transaction that commits the request's messages. */
  record(key: string, requestHash: string, status: number, response: unknown, at: number): void {
    this.save.run(key, requestHash, status, JSON.stringify(response), at);
  }

  purge(olderThan: number): number {
    return this.purgeOlder.run(olderThan).changes;
  }
}
