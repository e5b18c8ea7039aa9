import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { Selectable } from 'kysely';
import { DatabaseService } from './database.service.js';
import type { MessageFilter } from './message-filter.js';
import type { DeadLettersTable } from './schema.js';

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
    after: Statement<[string, number, number], ReplayedDeadLetter>;
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
        'SELECT id, partition_key, source_id, body FROM dead_letters WHERE connector_id = ? AND id > ? ORDER BY id LIMIT ?',
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
  async list(connectorId: string, afterId: number, limit: number): Promise<DeadLetterRow[]> {
    return this.database.db
      .selectFrom('dead_letters')
      .selectAll()
      .where('connector_id', '=', connectorId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  async count(connectorId: string): Promise<number> {
    const row = await this.database.db
      .selectFrom('dead_letters')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('connector_id', '=', connectorId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
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

  /** Takes a connector's dead letters out, after `afterId` in id order (at most `limit`), or the given ids; inside a transaction. */
  take(connectorId: string, selection: { afterId: number; limit: number } | { ids: readonly number[] }): ReplayedDeadLetter[] {
    const { one, after, remove } = this.sqlite;
    const rows =
      'ids' in selection
        ? selection.ids.flatMap((id) => one.all(connectorId, id))
        : after.all(connectorId, selection.afterId, selection.limit);
    for (const row of rows) remove.run(row.id);
    return rows;
  }
}
