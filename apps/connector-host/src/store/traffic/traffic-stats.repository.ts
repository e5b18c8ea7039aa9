import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { DatabaseService } from '../database.service.js';
import type { Database } from '../schema.js';
import type { TrafficMetric, TrafficRow, TrafficTally } from './traffic-tally.js';

/**
 * The traffic statistics' daily rollups. Counts are added by the transactions that decide them (intake's group
 * commit for skips, settlements for deliveries and failures): on SQLite through `addAll` inside the outbox's
 * transaction, on PostgreSQL through `addTally` with the transaction's handle.
 */
@Injectable()
export class TrafficStatsRepository {
  /** SQLite: prepared upserts (a sum, a maximum), run for the few keys a transaction's tally holds. */
  private readonly upsert?: Statement<[string, string, string, number]>;
  private readonly upsertMaximum?: Statement<[string, string, string, number]>;

  constructor(private readonly database: DatabaseService) {
    if (database.engine !== 'sqlite') return;
    this.upsert = database.sqlite.prepare(
      `INSERT INTO traffic_stats (connector_id, day, metric, count) VALUES (?, ?, ?, ?)
       ON CONFLICT (connector_id, day, metric, writer) DO UPDATE SET count = count + excluded.count`,
    );
    this.upsertMaximum = database.sqlite.prepare(
      `INSERT INTO traffic_stats (connector_id, day, metric, count) VALUES (?, ?, ?, ?)
       ON CONFLICT (connector_id, day, metric, writer) DO UPDATE SET count = max(count, excluded.count)`,
    );
  }

  /** Adds a tally on SQLite; run inside the caller's transaction. */
  addAll(tally: TrafficTally): void {
    if (!this.upsert || !this.upsertMaximum) throw new Error('SQLite only');
    for (const row of tally.rows()) this.upsert.run(row.connectorId, row.day, row.metric, row.count);
    for (const row of tally.maximumRows()) this.upsertMaximum.run(row.connectorId, row.day, row.metric, row.count);
  }

  /** The largest message routed to a connector from `fromDay` on (0: none). */
  async largestMessageSince(connectorId: string, fromDay: string): Promise<number> {
    const row = await this.database.db
      .selectFrom('traffic_stats')
      .select((eb) => eb.fn.max('count').as('largest'))
      .where('connector_id', '=', connectorId)
      .where('metric', '=', 'largest_message_bytes')
      .where('day', '>=', fromDay)
      .executeTakeFirst();
    return Number(row?.largest ?? 0);
  }

  /** A connector's rows from `fromDay` on (inclusive), by day: a day's metric may come in one row per writer. */
  async daily(connectorId: string, fromDay: string): Promise<TrafficRow[]> {
    const rows = await this.database.db
      .selectFrom('traffic_stats')
      .select(['connector_id', 'day', 'metric', 'count'])
      .where('connector_id', '=', connectorId)
      .where('day', '>=', fromDay)
      .orderBy('day')
      .execute();
    return rows.map((row) => ({ connectorId: row.connector_id, day: row.day, metric: row.metric as TrafficMetric, count: row.count }));
  }

  /** Forgets the days before `day`; returns how many rows went. */
  async deleteBefore(day: string): Promise<number> {
    const result = await this.database.db.deleteFrom('traffic_stats').where('day', '<', day).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/**
 * Adds a tally on PostgreSQL inside `trx`, to the rows of `writer` (this instance): two statements (the sums, then
 * the maxima), each with its rows in key order, so this instance's concurrent transactions take the rows' locks in
 * the same order; other instances write rows of their own. Run it last in the transaction: the rows stay locked only
 * until the commit.
 */
export async function addTally(trx: Kysely<Database>, tally: TrafficTally, writer: string): Promise<void> {
  await upsert(trx, tally.rows(), writer, sql<number>`traffic_stats.count + excluded.count`);
  await upsert(trx, tally.maximumRows(), writer, sql<number>`greatest(traffic_stats.count, excluded.count)`);
}

/** Inserts rows, or sets a day's existing row to `count` (a sum or a maximum of the stored and the new). */
async function upsert(trx: Kysely<Database>, rows: TrafficRow[], writer: string, count: RawBuilder<number>): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto('traffic_stats')
    .values(rows.map((row) => ({ connector_id: row.connectorId, day: row.day, metric: row.metric, writer, count: row.count })))
    .onConflict((conflict) => conflict.columns(['connector_id', 'day', 'metric', 'writer']).doUpdateSet({ count }))
    .execute();
}
