import { type ConnectorRow, ConnectorsRepository } from '../repositories/connectors.repository.js';
import type { RoutingVersion } from '../repositories/routing-version.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Connector set-ups on SQLite: its transactions are synchronous, so no other write of this connection runs inside. */
export class SqliteConnectorsRepository extends ConnectorsRepository {
  constructor(
    private readonly sqlite: SqliteDatabase,
    routing?: RoutingVersion,
  ) {
    super(sqlite, routing);
  }

  protected insertUnlessFull(row: ConnectorRow, max: number): Promise<{ inserted: true } | { inserted: false; count: number }> {
    const { db } = this.sqlite;
    return this.sqlite.transactionNow(() => {
      const [{ n }] = this.sqlite.all(
        db
          .selectFrom('connectors')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('site_number', '=', row.site_number),
      );
      if (Number(n) >= max) return { inserted: false as const, count: Number(n) };
      this.sqlite.run(db.insertInto('connectors').values(row));
      return { inserted: true as const };
    });
  }

  protected deleteWithStatistics(id: string): Promise<boolean> {
    const { db } = this.sqlite;
    return this.sqlite.transactionNow(() => {
      this.sqlite.run(db.deleteFrom('traffic_stats').where('connector_id', '=', id));
      // The alerts' facts and record have no foreign key (migration 019): they go here.
      this.sqlite.run(db.deleteFrom('delivery_health').where('connector_id', '=', id));
      this.sqlite.run(db.deleteFrom('alert_states').where('connector_id', '=', id));
      return this.sqlite.run(db.deleteFrom('connectors').where('id', '=', id)) > 0;
    });
  }

  /** The file's write lock, taken by BEGIN IMMEDIATE, keeps every other writer out until the commit. */
  resealAll(reseal: (sealed: string, connectorId: string) => string | null): Promise<{ resealed: number; total: number }> {
    const { db } = this.sqlite;
    return this.sqlite.transactionNow(() => {
      const rows = this.sqlite.all(db.selectFrom('connectors').select(['id', 'secrets']));
      let resealed = 0;
      for (const row of rows) {
        const next = reseal(row.secrets, row.id);
        if (next === null) continue;
        this.sqlite.run(db.updateTable('connectors').set({ secrets: next }).where('id', '=', row.id));
        resealed++;
      }
      return { resealed, total: rows.length };
    });
  }
}
