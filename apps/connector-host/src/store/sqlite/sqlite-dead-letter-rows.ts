import type { Statement } from 'better-sqlite3';
import type { NewDeadLetter, ReplayedDeadLetter } from '../repositories/dead-letters.repository.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** The SQLite outbox's writes of dead letters (settlements bury, replays take out), run inside its transactions. */
export class SqliteDeadLetterRows {
  private readonly insert: Statement<unknown[]>;
  private readonly after: Statement<[string, number, number, number], ReplayedDeadLetter>;
  private readonly one: Statement<[string, number], ReplayedDeadLetter>;
  private readonly remove: Statement<[number]>;

  constructor({ sqlite }: SqliteDatabase) {
    this.insert = sqlite.prepare(
      `INSERT INTO dead_letters (connector_id, partition_key, source_id, body, accepted_at, attempts, failed_at, error_code, error_message, message_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.after = sqlite.prepare(
      'SELECT id, message_id, partition_key, source_id, body FROM dead_letters WHERE connector_id = ? AND id > ? AND id <= ? ORDER BY id LIMIT ?',
    );
    this.one = sqlite.prepare('SELECT id, message_id, partition_key, source_id, body FROM dead_letters WHERE connector_id = ? AND id = ?');
    this.remove = sqlite.prepare('DELETE FROM dead_letters WHERE id = ?');
  }

  insertAll(rows: readonly NewDeadLetter[]): void {
    for (const row of rows) {
      this.insert.run(
        row.connectorId,
        row.profileId,
        row.sourceId,
        row.body,
        row.acceptedAt,
        row.attempts,
        row.failedAt,
        row.errorCode,
        row.errorMessage,
        row.messageId,
      );
    }
  }

  /** Takes a connector's dead letters out, after `afterId` and up to `upTo` in id order (at most `limit`), or the given ids. */
  take(
    connectorId: string,
    selection: { afterId: number; upTo: number; limit: number } | { ids: readonly number[] },
  ): ReplayedDeadLetter[] {
    const rows =
      'ids' in selection
        ? selection.ids.flatMap((id) => this.one.all(connectorId, id))
        : this.after.all(connectorId, selection.afterId, selection.upTo, selection.limit);
    for (const row of rows) this.remove.run(row.id);
    return rows;
  }
}
