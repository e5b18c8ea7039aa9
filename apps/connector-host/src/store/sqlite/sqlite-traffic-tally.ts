import type { Statement } from 'better-sqlite3';
import type { TrafficTally } from '../traffic/traffic-tally.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Adds the traffic statistics' counts on SQLite, inside the outbox's transaction that decided them. */
export class SqliteTrafficTally {
  /** Prepared upserts (a sum, a maximum), run for the few keys a transaction's tally holds. */
  private readonly upsert: Statement<[string, string, string, number]>;
  private readonly upsertMaximum: Statement<[string, string, string, number]>;

  constructor({ sqlite }: SqliteDatabase) {
    this.upsert = sqlite.prepare(
      `INSERT INTO traffic_stats (connector_id, day, metric, count) VALUES (?, ?, ?, ?)
       ON CONFLICT (connector_id, day, metric, writer) DO UPDATE SET count = count + excluded.count`,
    );
    this.upsertMaximum = sqlite.prepare(
      `INSERT INTO traffic_stats (connector_id, day, metric, count) VALUES (?, ?, ?, ?)
       ON CONFLICT (connector_id, day, metric, writer) DO UPDATE SET count = max(count, excluded.count)`,
    );
  }

  addAll(tally: TrafficTally): void {
    for (const row of tally.rows()) this.upsert.run(row.connectorId, row.day, row.metric, row.count);
    for (const row of tally.maximumRows()) this.upsertMaximum.run(row.connectorId, row.day, row.metric, row.count);
  }
}
