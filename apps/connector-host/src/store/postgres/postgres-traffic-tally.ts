import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { TrafficRow, TrafficTally } from '../traffic/traffic-tally.js';

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
