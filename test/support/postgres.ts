import { randomBytes } from 'node:crypto';
import { skipUnless } from '@event-connectors/connector-sdk/testing';
import pg from 'pg';
import { describe, inject } from 'vitest';

/** A new, empty database on the test run's PostgreSQL, and its URL: one per host or store under test. */
export async function freshDatabaseUrl(): Promise<string> {
  const admin = inject('postgresUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

export type TestEngine = 'sqlite' | 'postgres';

/** Whether this run has a PostgreSQL: the unit loop (npm run test:unit) starts no database server. */
export const POSTGRES_AVAILABLE = process.env.TEST_WITHOUT_POSTGRES !== '1';

/** The store engines suites that must hold on each run on: both, or SQLite alone in the unit loop. */
export const STORE_ENGINES: readonly TestEngine[] = POSTGRES_AVAILABLE ? ['sqlite', 'postgres'] : ['sqlite'];

/** `describe` for suites of PostgreSQL alone: skipped in the unit loop (saying so in the run's summary), run by npm test. */
export const describeOnPostgres = (name: string, suite: () => void) =>
  describe(name, skipUnless(POSTGRES_AVAILABLE, 'no PostgreSQL in the unit loop'), suite);
