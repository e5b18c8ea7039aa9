import { Injectable, Optional } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from './database.service.js';
import { RoutingVersion } from './routing-version.js';
import type { ConnectorsTable } from './schema.js';

export type ConnectorRow = ConnectorsTable;

/** What health and metrics show of every connector. */
export type ConnectorSummary = Pick<ConnectorRow, 'id' | 'type' | 'name' | 'site_number' | 'enabled' | 'paused_reason'>;

/** Connector set-ups. Secrets arrive here sealed; this class never sees them in clear. */
@Injectable()
export class ConnectorsRepository {
  private readonly summaryRows: Statement<[], ConnectorSummary>;
  private readonly sealedRows: Statement<[], { id: string; secrets: string }>;
  private readonly reseal: Statement<[string, string]>;

  constructor(
    private readonly database: DatabaseService,
    /** Optional for tools that never route (key rotation). */
    @Optional() private readonly routing?: RoutingVersion,
  ) {
    const { sqlite } = database;
    this.summaryRows = sqlite.prepare('SELECT id, type, name, site_number, enabled, paused_reason FROM connectors ORDER BY created_at, id');
    this.sealedRows = sqlite.prepare('SELECT id, secrets FROM connectors');
    this.reseal = sqlite.prepare('UPDATE connectors SET secrets = ? WHERE id = ?');
  }

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

  async listEnabled(): Promise<ConnectorRow[]> {
    return this.database.db.selectFrom('connectors').selectAll().where('enabled', '=', 1).execute();
  }

  /** Every connector, few columns, synchronously: read at every health probe and metrics scrape. */
  summaries(): ConnectorSummary[] {
    return this.summaryRows.all();
  }

  async update(id: string, changes: Partial<Omit<ConnectorRow, 'id' | 'type' | 'site_number' | 'created_at'>>): Promise<void> {
    // Pausing and resuming is not an edit of the set-up: it leaves updated_at (and the open client) alone.
    await this.database.db.updateTable('connectors').set(changes).where('id', '=', id).execute();
    this.routing?.bump();
  }

  /** Deletes the set-up with its bindings, backlog and dead letters (foreign keys cascade). */
  async delete(id: string): Promise<boolean> {
    const result = await this.database.db.deleteFrom('connectors').where('id', '=', id).executeTakeFirst();
    this.routing?.bump();
    return result.numDeletedRows > 0n;
  }

  /** Re-seals every connector's secrets with `reseal` (null: leave as is), in one transaction; returns how many changed. */
  resealAll(reseal: (sealed: string, connectorId: string) => string | null): { resealed: number; total: number } {
    const rows = this.sealedRows.all();
    let resealed = 0;
    this.database.transaction(() => {
      for (const row of rows) {
        const next = reseal(row.secrets, row.id);
        if (next === null) continue;
        this.reseal.run(next, row.id);
        resealed++;
      }
    });
    return { resealed, total: rows.length };
  }
}
