import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { migrationProvider } from './migrations.js';
import { WriteLock } from './write-lock.js';
import type { Database } from './schema.js';

/**
 * The host's one SQLite database: connector set-ups, bindings, the outbox and dead letters.
 * WAL with synchronous=FULL: a commit is on disk before the host answers, and survives a power cut.
 */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  readonly sqlite: SQLite.Database;
  readonly db: Kysely<Database>;
  private readonly logger = new Logger(DatabaseService.name);

  /**
   * `writeLock`: shared with the other thread of this process that writes the same file (delivery's); the
   * hot writers take it through `whenFree` (see write-lock.ts).
   */
  constructor(
    @Inject(HOST_CONFIG) config: HostConfig,
    readonly writeLock: WriteLock = new WriteLock(),
  ) {
    if (config.databasePath !== ':memory:') mkdirSync(dirname(config.databasePath), { recursive: true });
    this.sqlite = new SQLite(config.databasePath);
    this.sqlite.pragma('journal_mode = WAL');
    this.sqlite.pragma('synchronous = FULL');
    this.sqlite.pragma('foreign_keys = ON');
    this.sqlite.pragma('busy_timeout = 5000');
    this.db = new Kysely<Database>({ dialect: new SqliteDialect({ database: this.sqlite }) });
  }

  /**
   * Runs `work` in one transaction (a savepoint inside another); it commits when `work` returns, rolls back when it
   * throws. BEGIN IMMEDIATE: it takes the write lock first (waiting up to busy_timeout), because intake and
   * delivery's thread write through two connections, and a transaction that read first and then wants to write
   * would fail at once, not wait, when the other committed meanwhile.
   */
  transaction<T>(work: () => T): T {
    return this.sqlite.transaction(work).immediate();
  }

  /**
   * Runs `work` in one transaction once no other thread of this process is writing, waiting for that without
   * blocking the event loop; `work` decides what to write when it runs (what queued up meanwhile included).
   */
  transactionWhenFree<T>(work: () => T): Promise<T> {
    return this.writeLock.whenFree(() => this.transaction(work));
  }

  /**
   * Runs `work` with commits that skip their fsync (synchronous=NORMAL): for writes whose loss in a power cut
   * only re-sends (settlements). The next commit with synchronous=FULL makes them durable with it.
   */
  withoutFsync<T>(work: () => T): T {
    this.sqlite.pragma('synchronous = NORMAL');
    try {
      return work();
    } finally {
      this.sqlite.pragma('synchronous = FULL');
    }
  }

  /** Brings the schema up to date; the host refuses to start on a failed migration. */
  async migrate(): Promise<void> {
    const { error, results } = await new Migrator({ db: this.db, provider: migrationProvider }).migrateToLatest();
    for (const result of results ?? []) {
      if (result.status === 'Success') this.logger.log(`Applied migration ${result.migrationName}`);
    }
    if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}
