import { sql } from 'kysely';
import { type ConnectorRow, ConnectorsRepository } from '../repositories/connectors.repository.js';
import type { RoutingVersion } from '../repositories/routing-version.js';
import type { PostgresDatabase } from './postgres-database.js';

/** Connector set-ups on PostgreSQL, which other instances edit at the same time. */
export class PostgresConnectorsRepository extends ConnectorsRepository {
  constructor(database: PostgresDatabase, routing?: RoutingVersion) {
    super(database, routing);
  }

  /** A transaction-scoped lock per site: instances creating for one site take turns, other sites are not held up. */
  protected insertUnlessFull(row: ConnectorRow, max: number): Promise<{ inserted: true } | { inserted: false; count: number }> {
    return this.database.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`connectors-of-site:${row.site_number}`}))`.execute(trx);
      const found = await trx
        .selectFrom('connectors')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('site_number', '=', row.site_number)
        .executeTakeFirst();
      const count = Number(found?.n ?? 0);
      if (count >= max) return { inserted: false as const, count };
      await trx.insertInto('connectors').values(row).execute();
      return { inserted: true as const };
    });
  }

  protected async deleteWithStatistics(id: string): Promise<boolean> {
    const result = await this.database.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('traffic_stats').where('connector_id', '=', id).execute();
      // Without foreign keys (migration 017): no lock on the connector's row from every settlement.
      // Its replays first: a replay's step locks its row, then (its chunks' foreign key) the connector's; the other
      // way round, this deletion and a step would deadlock.
      await trx.deleteFrom('replays').where('connector_id', '=', id).execute();
      await trx.deleteFrom('message_attempts').where('connector_id', '=', id).execute();
      await trx.deleteFrom('message_history').where('connector_id', '=', id).execute();
      await trx.deleteFrom('delivery_health').where('connector_id', '=', id).execute();
      await trx.deleteFrom('alert_states').where('connector_id', '=', id).execute();
      return trx.deleteFrom('connectors').where('id', '=', id).executeTakeFirst();
    });
    return result.numDeletedRows > 0n;
  }

  /** FOR UPDATE: no other instance re-seals or edits them meanwhile. */
  resealAll(reseal: (sealed: string, connectorId: string) => string | null): Promise<{ resealed: number; total: number }> {
    return this.database.db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('connectors').select(['id', 'secrets']).forUpdate().execute();
      let resealed = 0;
      for (const row of rows) {
        const next = reseal(row.secrets, row.id);
        if (next === null) continue;
        await trx.updateTable('connectors').set({ secrets: next }).where('id', '=', row.id).execute();
        resealed++;
      }
      return { resealed, total: rows.length };
    });
  }
}
