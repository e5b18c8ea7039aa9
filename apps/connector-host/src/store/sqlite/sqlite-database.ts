import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { type Compilable, Kysely } from 'kysely';
import type { HostConfig } from '../../config/host.config.js';
import { DatabaseService } from '../database.service.js';
import { migrateToLatest } from '../migrations/migrate-to-latest.js';
import type { Database } from '../schema.js';
import { privateDatabaseFile } from './private-files.js';
import { SqliteDialectWithoutAsyncTransactions } from './sqlite-dialect.js';
import { sqliteMigrations } from './sqlite-migrations.js';
import { WriteLock } from './write-lock.js';

/**
 * The embedded store: one SQLite file that one instance serves (its delivery thread through a second connection).
 * WAL with synchronous=FULL: a commit is on disk before the host answers and survives a power cut. Every atomic
 * write goes through `transaction` (synchronous, so nothing on this event loop can run inside it); Kysely's own
 * asynchronous transactions are refused (sqlite-dialect.ts says why).
 */
export class SqliteDatabase extends DatabaseService {
  readonly engine = 'sqlite' as const;
  readonly db: Kysely<Database>;
  /** The connection: the hot paths prepare their statements on it and run them synchronously. */
  readonly sqlite: SQLite.Database;
  private readerHandle?: SQLite.Database;

  /**
   * `writeLock`: shared with the other thread of this process that writes the same SQLite file (delivery's); the
   * hot writers take it through `transactionWhenFree` (see write-lock.ts).
   */
  constructor(
    config: Pick<HostConfig, 'databasePath'>,
    readonly writeLock: WriteLock = new WriteLock(),
  ) {
    super();
    if (config.databasePath !== ':memory:') privateDatabaseFile(config.databasePath, dirname(config.databasePath));
    const sqlite = new SQLite(config.databasePath);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    this.sqlite = sqlite;
    this.db = new Kysely<Database>({ dialect: new SqliteDialectWithoutAsyncTransactions({ database: sqlite }) });
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

  /**
   * Runs `work` in one SQLite transaction (a savepoint inside another); it commits when `work` returns, rolls back
   * when it throws. BEGIN IMMEDIATE: it takes the write lock first (waiting up to busy_timeout), because intake and
   * delivery's thread write through two connections, and a transaction that read first and then wants to write
   * would fail at once, not wait, when the other committed meanwhile.
   */
  transaction<T>(work: () => T): T {
    return this.sqlite.transaction(work).immediate();
  }

  /** `transaction` for an asynchronous caller: run now, its result (or what it threw) as a promise. */
  transactionNow<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve) => resolve(this.transaction(work)));
  }

  /**
   * Runs `work` in one SQLite transaction once no other thread of this process is writing, waiting for that without
   * blocking the event loop; `work` decides what to write when it runs (what queued up meanwhile included).
   */
  transactionWhenFree<T>(work: () => T): Promise<T> {
    return this.writeLock.whenFree(() => this.transaction(work));
  }

  /** Runs a Kysely query now, synchronously (inside `transaction`, say): its rows. */
  all<R>(query: Compilable<R>): R[] {
    const { sql, parameters } = query.compile();
    return this.sqlite.prepare(sql).all(...parameters) as R[];
  }

  /** Runs a Kysely statement now, synchronously: how many rows it changed. */
  run(query: Compilable): number {
    const { sql, parameters } = query.compile();
    return this.sqlite.prepare(sql).run(...parameters).changes;
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

  ping(): Promise<void> {
    this.sqlite.exec('BEGIN IMMEDIATE; ROLLBACK;');
    return Promise.resolve();
  }

  migrate(): Promise<void> {
    return migrateToLatest(this.db, this.engine, sqliteMigrations);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.readerHandle !== this.sqlite) this.readerHandle?.close();
    await this.db.destroy();
  }
}
