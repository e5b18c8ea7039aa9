import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

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

/** Both store engines, for suites that must hold on each. */
export const STORE_ENGINES = ['sqlite', 'postgres'] as const;
export type TestEngine = (typeof STORE_ENGINES)[number];
