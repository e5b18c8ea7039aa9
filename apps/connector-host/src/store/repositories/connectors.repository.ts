import type { DatabaseService } from '../database.service.js';
import type { RoutingVersion } from './routing-version.js';
import type { ConnectorsTable } from '../schema.js';

export type ConnectorRow = ConnectorsTable;

/** What health and metrics show of every connector. */
export type ConnectorSummary = Pick<ConnectorRow, 'id' | 'type' | 'name' | 'site_number' | 'enabled' | 'paused_reason'>;

/**
 * Connector set-ups. Secrets arrive here sealed; this class never sees them in clear. Its transactions are each
 * engine's own (`SqliteConnectorsRepository`, `PostgresConnectorsRepository`).
 */
export abstract class ConnectorsRepository {
  constructor(
    protected readonly database: DatabaseService,
    /** Absent for tools that never route (key rotation). */
    protected readonly routing?: RoutingVersion,
  ) {}

  async insert(row: ConnectorRow): Promise<void> {
    await this.database.db.insertInto('connectors').values(row).execute();
    this.routing?.bump();
  }

  async get(id: string): Promise<ConnectorRow | undefined> {
    return this.database.db.selectFrom('connectors').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(filter: { siteNumber?: number; type?: string }): Promise<ConnectorRow[]> {
    let query = this.database.db.selectFrom('connectors').selectAll();
    if (filter.siteNumber !== undefined) query = query.where('site_number', '=', filter.siteNumber);
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    return query.orderBy('created_at').orderBy('id').execute();
  }

  /** How many set-ups a site has (its quota). */
  async countForSite(siteNumber: number): Promise<number> {
    const row = await this.database.db
      .selectFrom('connectors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('site_number', '=', siteNumber)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The ids of a site's set-ups (its backlog quota sums their backlogs). */
  async idsForSite(siteNumber: number): Promise<string[]> {
    const rows = await this.database.db.selectFrom('connectors').select('id').where('site_number', '=', siteNumber).execute();
    return rows.map((row) => row.id);
  }

  async listEnabled(): Promise<ConnectorRow[]> {
    return this.database.db.selectFrom('connectors').selectAll().where('enabled', '=', 1).execute();
  }

  /** Every connector, few columns: read at every health probe and metrics scrape. */
  async summaries(): Promise<ConnectorSummary[]> {
    return this.database.db
      .selectFrom('connectors')
      .select(['id', 'type', 'name', 'site_number', 'enabled', 'paused_reason'])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async ids(): Promise<string[]> {
    return (await this.database.db.selectFrom('connectors').select('id').execute()).map((row) => row.id);
  }

  async update(id: string, changes: Partial<Omit<ConnectorRow, 'id' | 'type' | 'site_number' | 'created_at'>>): Promise<void> {
    // Pausing and resuming is not an edit of the set-up: it leaves updated_at (and the open client) alone.
    await this.database.db.updateTable('connectors').set(changes).where('id', '=', id).execute();
    this.routing?.bump();
  }

  /** Changes a set-up only if it is still as read (its updated_at): false when someone changed it meanwhile. */
  async updateIfUnchanged(
    id: string,
    updatedAt: number,
    changes: Partial<Omit<ConnectorRow, 'id' | 'type' | 'site_number' | 'created_at'>>,
  ): Promise<boolean> {
    const result = await this.database.db
      .updateTable('connectors')
      .set(changes)
      .where('id', '=', id)
      .where('updated_at', '=', updatedAt)
      .executeTakeFirst();
    this.routing?.bump();
    return result.numUpdatedRows > 0n;
  }

  /** Deletes the set-up with its bindings, backlog and dead letters (foreign keys cascade), and its statistics. */
  async delete(id: string): Promise<boolean> {
    const deleted = await this.deleteWithStatistics(id);
    this.routing?.bump();
    return deleted;
  }

  /**
   * Inserts a set-up only while its site holds fewer than `max` (MAX_CONNECTORS_PER_SITE), counted and inserted
   * atomically, so creates racing each other (on this instance or others) never pass the quota together. Returns
   * the site's count when it refused.
   */
  async insertWithinSiteQuota(row: ConnectorRow, max: number): Promise<{ inserted: true } | { inserted: false; count: number }> {
    const result = await this.insertUnlessFull(row, max);
    if (result.inserted) this.routing?.bump();
    return result;
  }

  protected abstract insertUnlessFull(row: ConnectorRow, max: number): Promise<{ inserted: true } | { inserted: false; count: number }>;

  /** Deletes the set-up's statistics and the set-up, in one transaction; whether it existed. */
  protected abstract deleteWithStatistics(id: string): Promise<boolean>;

  /**
   * Re-seals every connector's secrets with `reseal` (null: leave as is), in one transaction that no instance edits
   * or re-seals beside; returns how many changed.
   */
  abstract resealAll(reseal: (sealed: string, connectorId: string) => string | null): Promise<{ resealed: number; total: number }>;
}
