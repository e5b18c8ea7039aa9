import type { OnApplicationShutdown } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { StoreEngine } from './store-engine.js';

export type { StoreEngine } from './store-engine.js';

/**
 * The host's database, whichever engine holds it: connector set-ups, bindings, the outbox and dead letters (and, on
 * PostgreSQL, the cluster's leases). Engine-neutral code reaches it through `db` (Kysely) for statements that stand
 * alone; whatever must be atomic, or is engine-specific, lives in the engine's own folder (`sqlite/`, `postgres/`),
 * whose `SqliteDatabase` and `PostgresDatabase` extend this.
 */
export abstract class DatabaseService implements OnApplicationShutdown {
  abstract readonly engine: StoreEngine;
  abstract readonly db: Kysely<Database>;

  /** Proves the store takes writes: SQLite takes its write lock, PostgreSQL answers a query. */
  abstract ping(): Promise<void>;

  /** Brings the schema up to date; the host refuses to start on a failed migration. */
  abstract migrate(): Promise<void>;

  abstract onApplicationShutdown(): Promise<void>;
}
