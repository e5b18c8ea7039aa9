import { IdempotencyRepository, type StoredAnswer } from '../repositories/idempotency.repository.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteIdempotencyKeys } from './sqlite-idempotency-keys.js';

/** Idempotency keys on SQLite: looked up on every keyed request, so through a prepared statement. */
export class SqliteIdempotencyRepository extends IdempotencyRepository {
  readonly keys: SqliteIdempotencyKeys;

  constructor(database: SqliteDatabase) {
    super(database);
    this.keys = new SqliteIdempotencyKeys(database);
  }

  override lookup(key: string, notBefore: number): Promise<StoredAnswer | undefined> {
    return Promise.resolve(this.keys.lookup(key, notBefore));
  }
}
