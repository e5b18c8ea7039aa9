import { Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import type { Database } from '../schema.js';
import type { StoreEngine } from '../store-engine.js';
import { sharedMigrations } from './shared-migrations.js';

// Migrations live in code (not files found at run time) so the built host carries them wherever it runs.
// Append only: never edit a migration that has shipped.

const logger = new Logger('Migrations');

/** An engine's own history, then the migrations both engines take. */
export function migrationProvider(engine: StoreEngine, own: Record<string, Migration>): MigrationProvider {
  return { getMigrations: () => Promise.resolve({ ...own, ...sharedMigrations(engine) }) };
}

/** Applies every migration not applied yet; throws on a failed one. */
export async function migrateToLatest(db: Kysely<Database>, engine: StoreEngine, own: Record<string, Migration>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider(engine, own) }).migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === 'Success') logger.log(`Applied migration ${result.migrationName}`);
  }
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
}
