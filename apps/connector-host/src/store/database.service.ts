import { dirname } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import SQLite from 'better-sqlite3';
import { privateDatabaseFile } from './private-files.js';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { migrationProvider } from './migrations.js';
import { WriteLock } from './write-lock.js';
import type { Database } from './schema.js';
import type { StoreEngine } from './store-engine.js';

export type { StoreEngine } from './store-engine.js';

/**
 * The host's database: connector set-ups, bindings, the outbox and dead letters (and, on PostgreSQL, the cluster's
 * leases). Repositories reach it through `db` (Kysely, either engine); the SQLite hot paths use `sqlite` directly.
 * SQLite: WAL with synchronous=FULL, a commit is on disk before the host answers and survives a power cut.
 */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  readonly engine: StoreEngine;
  readonly db: Kysely<Database>;
  private readonly sqliteHandle?: SQLite.Database;
  private readerHandle?: SQLite.Database;
  private readonly pgPool?: pg.Pool;
  private readonly logger = new Logger(DatabaseService.name);

  /**
   * `writeLock`: shared with the other thread of this process that writes the same SQLite file (delivery's); the
   * hot writers take it through `whenFree` (see write-lock.ts). Unused on PostgreSQL.
   */
  constructor(
    @Inject(HOST_CONFIG) config: HostConfig,
    readonly writeLock: WriteLock = new WriteLock(),
  ) {
    if (config.databaseUrl !== undefined) {
      this.engine = 'postgres';
      this.pgPool = new pg.Pool({
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
      this.pgPool.on('error', (error) => this.logger.warn(`PostgreSQL connection lost: ${error.message}`));
      // A client in use emits it too (the server restarting mid-transaction), and the pool listens only to idle
      // ones: unheard, it would end the process. Its query fails with the same error, which its caller handles.
      this.pgPool.on('connect', (client) => client.on('error', () => undefined));
      this.db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: this.pgPool }) });
      return;
    }
    this.engine = 'sqlite';
    if (config.databasePath !== ':memory:') privateDatabaseFile(config.databasePath, dirname(config.databasePath));
    const sqlite = new SQLite(config.databasePath);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    this.sqliteHandle = sqlite;
    this.db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }

  /**
   * A second SQLite connection, read-only, for long reads (an operator's search): WAL lets it read while the main
   * connection writes, so a read paged with turns of the event loop in between holds up no commit. Opened on first
   * use; the main connection itself for an in-memory database.
   */
  get reader(): SQLite.Database {
    if (!this.readerHandle) {
      const path = this.sqlite.name;
      this.readerHandle = path === ':memory:' ? this.sqlite : new SQLite(path, { readonly: true, fileMustExist: true });
      if (this.readerHandle !== this.sqlite) this.readerHandle.pragma('busy_timeout = 5000');
    }
    return this.readerHandle;
  }

  /** The SQLite connection; only on the embedded engine. */
  get sqlite(): SQLite.Database {
    if (!this.sqliteHandle) throw new Error('this store is PostgreSQL, not SQLite');
    return this.sqliteHandle;
  }

  /** The PostgreSQL pool; only on the shared engine. */
  get pool(): pg.Pool {
    if (!this.pgPool) throw new Error('this store is SQLite, not PostgreSQL');
    return this.pgPool;
  }

  /**
   * Runs `work` in one SQLite transaction (a savepoint inside another); it commits when `work` returns, rolls back
   * when it throws. BEGIN IMMEDIATE: it takes the write lock first (waiting up to busy_timeout), because intake and
   * delivery's thread write through two connections, and a transaction that read first and then wants to write
   * would fail at once, not wait, when the other committed meanwhile.
   */
  transaction<T>(work: () => T): T {
    return this.sqlite.transaction(work).immediate();
  }

  /**
   * Runs `work` in one SQLite transaction once no other thread of this process is writing, waiting for that without
   * blocking the event loop; `work` decides what to write when it runs (what queued up meanwhile included).
   */
  transactionWhenFree<T>(work: () => T): Promise<T> {
    return this.writeLock.whenFree(() => this.transaction(work));
  }

  /**
   * Runs `work` with SQLite commits that skip their fsync (synchronous=NORMAL): for writes whose loss in a power
   * cut only re-sends (settlements). The next commit with synchronous=FULL makes them durable with it.
   */
  withoutFsync<T>(work: () => T): T {
    this.sqlite.pragma('synchronous = NORMAL');
    try {
      return work();
    } finally {
      this.sqlite.pragma('synchronous = FULL');
    }
  }

  /** Proves the store takes writes: SQLite takes its write lock, PostgreSQL answers a query. */
  async ping(): Promise<void> {
    if (this.engine === 'sqlite') this.sqlite.exec('BEGIN IMMEDIATE; ROLLBACK;');
    else await this.pool.query('SELECT 1');
  }

  /** Brings the schema up to date; the host refuses to start on a failed migration. */
  async migrate(): Promise<void> {
    const { error, results } = await new Migrator({ db: this.db, provider: migrationProvider(this.engine) }).migrateToLatest();
    for (const result of results ?? []) {
      if (result.status === 'Success') this.logger.log(`Applied migration ${result.migrationName}`);
    }
    if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.readerHandle !== this.sqliteHandle) this.readerHandle?.close();
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
