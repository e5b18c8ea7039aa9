import { Logger } from '@nestjs/common';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { HostConfig } from '../../config/host.config.js';
import { DatabaseService } from '../database.service.js';
import { migrateToLatest } from '../migrations/migrate-to-latest.js';
import type { Database } from '../schema.js';
import { postgresMigrations } from './postgres-migrations.js';

/** The shared store: one PostgreSQL database that many host instances use at once (DATABASE_URL). */
export class PostgresDatabase extends DatabaseService {
  readonly engine = 'postgres' as const;
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  private readonly logger = new Logger(PostgresDatabase.name);

  constructor(config: Pick<HostConfig, 'cluster'> & { databaseUrl: string }) {
    super();
    this.pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: 10,
      // A dead server must fail a query (and readiness) within seconds, not hang it.
      connectionTimeoutMillis: 3000,
      query_timeout: 15_000,
      // A transaction left open by a client that stopped mid-way (frozen, partitioned off) would keep its row
      // locks, and other instances would wait on them: the server ends it well within a lease, releasing them.
      // The host's own transactions never wait between statements longer than a round trip.
      idle_in_transaction_session_timeout: Math.max(1000, Math.round(config.cluster.leaseTtlMs / 2)),
      types: { getTypeParser: numbersAsNumbers },
    });
    // An idle client whose server went away emits 'error'; the pool drops it and the next query reconnects.
    this.pool.on('error', (error) => this.logger.warn(`PostgreSQL connection lost: ${error.message}`));
    // A client in use emits it too (the server restarting mid-transaction), and the pool listens only to idle
    // ones: unheard, it would end the process. Its query fails with the same error, which its caller handles.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
    this.db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: this.pool }) });
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  migrate(): Promise<void> {
    return migrateToLatest(this.db, this.engine, postgresMigrations);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}

/** int8 (counts, ids, epoch milliseconds) and numeric (sums) as JavaScript numbers: every value here is below 2^53. */
const INT8 = 20;
const NUMERIC = 1700;
function numbersAsNumbers(oid: number, format?: string): (value: string) => unknown {
  if (oid === INT8 || oid === NUMERIC) return Number;
  return pg.types.getTypeParser(oid, format as 'text') as (value: string) => unknown;
}
