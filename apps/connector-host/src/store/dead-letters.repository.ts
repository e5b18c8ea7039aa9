import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { type Kysely, type Selectable, sql } from 'kysely';
import { DatabaseService } from './database.service.js';
import type { MessageFilter } from './message-filter.js';
import type { Database, DeadLettersTable } from './schema.js';

export type DeadLetterRow = Selectable<DeadLettersTable>;

/** A message moving to the dead letters, as one row's values. */
export type NewDeadLetter = [
  connectorId: string,
  partitionKey: string,
  sourceId: string | null,
  body: string,
  acceptedAt: number,
  attempts: number,
  failedAt: number,
  code: string,
  message: string,
];

/** A dead letter taken out for a replay. */
export interface ReplayedDeadLetter {
  id: number;
  partition_key: string;
  source_id: string | null;
  body: string;
}

/**
 * The dead-letters table: messages that will not be delivered without a person. Written by the outbox's
 * settlements and replays (on SQLite through this class, inside their transactions).
 */
@Injectable()
export class DeadLettersRepository {
  /** SQLite's statements for the outbox's transactions (PostgreSQL's outbox writes its own, fenced). */
  private statements?: {
    insert: Statement<NewDeadLetter>;
    after: Statement<[string, number, number, number], ReplayedDeadLetter>;
    one: Statement<[string, number], ReplayedDeadLetter>;
    remove: Statement<[number]>;
  };

  constructor(private readonly database: DatabaseService) {
    if (database.engine !== 'sqlite') return;
    const { sqlite } = database;
    this.statements = {
      insert: sqlite.prepare(
        `INSERT INTO dead_letters (connector_id, partition_key, source_id, body, accepted_at, attempts, failed_at, error_code, error_message)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      after: sqlite.prepare(
        'SELECT id, partition_key, source_id, body FROM dead_letters WHERE connector_id = ? AND id > ? AND id <= ? ORDER BY id LIMIT ?',
      ),
      one: sqlite.prepare('SELECT id, partition_key, source_id, body FROM dead_letters WHERE connector_id = ? AND id = ?'),
      remove: sqlite.prepare('DELETE FROM dead_letters WHERE id = ?'),
    };
  }

  private get sqlite() {
    if (!this.statements) throw new Error('SQLite only');
    return this.statements;
  }

  /** Adds dead letters on SQLite; run inside the caller's transaction. */
  insertAll(rows: readonly NewDeadLetter[]): void {
    for (const row of rows) this.sqlite.insert.run(...row);
  }

  /** A connector's dead letters after `afterId`, oldest first. */
  /**
   * One page of a connector's dead letters after `afterId` (at most `limit`) and how many it has in all, read in one
   * snapshot, so a page never disagrees with its total while an expiry or a replay commits beside the read.
   */
  async page(connectorId: string, afterId: number, limit: number): Promise<{ rows: DeadLetterRow[]; total: number }> {
    const list = (db: Kysely<Database>) =>
      db
        .selectFrom('dead_letters')
        .selectAll()
        .where('connector_id', '=', connectorId)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit);
    const count = (db: Kysely<Database>) =>
      db
        .selectFrom('dead_letters')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('connector_id', '=', connectorId);
    if (this.database.engine === 'sqlite') {
      // One synchronous read transaction on the connection (an async one would let this connection's writes,
      // which run between awaits, land inside it).
      const { sqlite, db } = this.database;
      const [listed, counted] = [list(db).compile(), count(db).compile()];
      return sqlite.transaction(() => ({
        rows: sqlite.prepare(listed.sql).all(...listed.parameters) as DeadLetterRow[],
        total: Number((sqlite.prepare(counted.sql).get(...counted.parameters) as { n: number }).n),
      }))();
    }
    // PostgreSQL's default (read committed) takes a snapshot per statement: repeatable read takes one for both.
    return this.database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => ({ rows: await list(trx).execute(), total: Number((await count(trx).executeTakeFirst())?.n ?? 0) }));
  }

  /**
   * The newest dead letter of a connector now: a replay or delete of "all" goes up to it, so what is dead-lettered
   * while it runs (a message refused again at once) is not taken up by the same request, round after round.
   */
  async lastIdOf(connectorId: string): Promise<number> {
    const row = await this.database.db
      .selectFrom('dead_letters')
      .select((eb) => eb.fn.max('id').as('last'))
      .where('connector_id', '=', connectorId)
      .executeTakeFirst();
    return Number(row?.last ?? 0);
  }

  /** How many dead letters a site holds and their bytes (its quota), by index: over that site's rows only. */
  async usageForSite(siteNumber: number): Promise<{ count: number; bytes: number }> {
    const row = await this.database.db
      .selectFrom('dead_letters')
      .innerJoin('connectors', 'connectors.id', 'dead_letters.connector_id')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        // SQLite: from the index of connector and size, no body read; a PostgreSQL row stored before sizes were
        // recorded is measured.
        sql<
          number | null
        >`sum(coalesce(dead_letters.bytes, octet_length(dead_letters.body) + octet_length(dead_letters.partition_key)))`.as('bytes'),
      ])
      .where('connectors.site_number', '=', siteNumber)
      .executeTakeFirst();
    return { count: Number(row?.n ?? 0), bytes: Number(row?.bytes ?? 0) };
  }

  /**
   * Deletes a batch of dead letters (at most `limit`): a connector's (all, or the given ids), or every one that
   * failed before `failedBefore` (retention); one short transaction, on SQLite when delivery's thread is not
   * writing. Returns how many went (the caller repeats while a batch was full).
   */
  async deleteBatch(
    selection: { connectorId: string; ids?: readonly number[]; upTo?: number } | { failedBefore: number },
    limit: number,
  ): Promise<number> {
    const query = (db: Kysely<Database>) => {
      let ids = db.selectFrom('dead_letters').select('id').orderBy('id').limit(limit);
      if ('failedBefore' in selection) ids = ids.where('failed_at', '<', selection.failedBefore);
      else {
        ids = ids.where('connector_id', '=', selection.connectorId);
        if (selection.ids) ids = ids.where('id', 'in', selection.ids.length > 0 ? [...selection.ids] : [-1]);
        if (selection.upTo !== undefined) ids = ids.where('id', '<=', selection.upTo);
      }
      return db.deleteFrom('dead_letters').where('id', 'in', ids);
    };
    if (this.database.engine === 'sqlite') {
      const compiled = query(this.database.db).compile();
      return this.database.transactionWhenFree(() => this.database.sqlite.prepare(compiled.sql).run(...compiled.parameters).changes);
    }
    const result = await query(this.database.db).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Dead letters per connector (one query for every connector: health and metrics). */
  async countsByConnector(): Promise<Map<string, number>> {
    const rows = await this.database.db
      .selectFrom('dead_letters')
      .select(['connector_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('connector_id')
      .execute();
    return new Map(rows.map((row) => [row.connector_id, Number(row.n)]));
  }

  /** The newest dead letters matching every given filter; dead letters name the profile `partition_key`. */
  async find(filter: MessageFilter, limit: number): Promise<DeadLetterRow[]> {
    let query = this.database.db.selectFrom('dead_letters').selectAll();
    if (filter.profileId !== undefined) query = query.where('partition_key', '=', filter.profileId);
    if (filter.sourceId !== undefined) query = query.where('source_id', '=', filter.sourceId);
    if (filter.connectorId !== undefined) query = query.where('connector_id', '=', filter.connectorId);
    return query.orderBy('id', 'desc').limit(limit).execute();
  }

  /**
   * Takes a connector's dead letters out, after `afterId` and up to `upTo` in id order (at most `limit`), or the
   * given ids; inside a transaction.
   */
  take(
    connectorId: string,
    selection: { afterId: number; upTo: number; limit: number } | { ids: readonly number[] },
  ): ReplayedDeadLetter[] {
    const { one, after, remove } = this.sqlite;
    const rows =
      'ids' in selection
        ? selection.ids.flatMap((id) => one.all(connectorId, id))
        : after.all(connectorId, selection.afterId, selection.upTo, selection.limit);
    for (const row of rows) remove.run(row.id);
    return rows;
  }
}
