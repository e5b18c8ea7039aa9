import type { DatabaseService } from '../database.service.js';

export interface StoredAnswer {
  request_hash: string;
  status: number;
  response: string;
  created_at: number;
}

/**
 * The first answer to each `Idempotency-Key`, kept for a retention window (24 h by default). Recorded by each
 * engine's outbox in the transaction that commits the request's messages (sqlite-idempotency-keys.ts,
 * postgres-idempotency-keys.ts); looked up and purged here.
 */
export class IdempotencyRepository {
  constructor(protected readonly database: DatabaseService) {}

  async lookup(key: string, notBefore: number): Promise<StoredAnswer | undefined> {
    return this.database.db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'status', 'response', 'created_at'])
      .where('key', '=', key)
      .where('created_at', '>=', notBefore)
      .executeTakeFirst();
  }

  /** The answers stored under any of `keys` (at most a few hundred), by key. */
  async lookupMany(keys: readonly string[], notBefore: number): Promise<Map<string, StoredAnswer>> {
    if (keys.length === 0) return new Map();
    const rows = await this.database.db
      .selectFrom('idempotency_keys')
      .select(['key', 'request_hash', 'status', 'response', 'created_at'])
      .where('key', 'in', keys)
      .where('created_at', '>=', notBefore)
      .execute();
    return new Map(rows.map(({ key, ...answer }) => [key, answer]));
  }

  async purge(olderThan: number): Promise<number> {
    const result = await this.database.db.deleteFrom('idempotency_keys').where('created_at', '<', olderThan).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
