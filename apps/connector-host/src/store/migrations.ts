import type { MigrationProvider } from 'kysely/migration';
import { postgresMigrations } from './migrations/postgres-migrations.js';
import { sharedMigrations } from './migrations/shared-migrations.js';
import { sqliteMigrations } from './migrations/sqlite-migrations.js';
import type { StoreEngine } from './store-engine.js';

// Migrations live in code (not files found at run time) so the built host carries them wherever it runs.
// Append only: never edit a migration that has shipped.

export function migrationProvider(engine: StoreEngine): MigrationProvider {
  const own = engine === 'postgres' ? postgresMigrations : sqliteMigrations;
  return { getMigrations: () => Promise.resolve({ ...own, ...sharedMigrations(engine) }) };
}
