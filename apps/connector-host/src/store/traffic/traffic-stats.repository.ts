import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database.service.js';
import type { TrafficMetric, TrafficRow } from './traffic-tally.js';

/**
 * The traffic statistics' daily rollups, read and purged here. Counts are added by the transactions that decide them
 * (intake's group commit for skips, settlements for deliveries and failures), in each engine's outbox
 * (sqlite-traffic-tally.ts, postgres-traffic-tally.ts).
 */
@Injectable()
export class TrafficStatsRepository {
  constructor(private readonly database: DatabaseService) {}

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
