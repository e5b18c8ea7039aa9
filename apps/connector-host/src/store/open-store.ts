import type { HostConfig } from '../config/host.config.js';
import type { EngineStore } from './engine-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { WriteLock } from './sqlite/write-lock.js';

/**
 * The store engine the configuration names (DATABASE_URL: PostgreSQL; else the SQLite file at DATABASE_PATH),
 * migrated: the one place that chooses an engine. `lock`: the SQLite write lock shared with delivery's thread.
 */
export async function openStore(config: HostConfig, lock?: WriteLock): Promise<EngineStore> {
  const { databaseUrl } = config;
  const store = databaseUrl === undefined ? new SqliteStore(config, lock) : new PostgresStore({ ...config, databaseUrl });
  await store.database.migrate();
  return store;
}
