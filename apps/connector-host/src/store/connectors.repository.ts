import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service.js';
import type { ConnectorsTable } from './schema.js';

export type ConnectorRow = ConnectorsTable;

/** Connector set-ups. Secrets arrive here sealed; this class never sees them in clear. */
@Injectable()
export class ConnectorsRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(row: ConnectorRow): Promise<void> {
    await this.database.db.insertInto('connectors').values(row).execute();
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

  async update(id: string, changes: Partial<Omit<ConnectorRow, 'id' | 'type' | 'site_number' | 'created_at'>>): Promise<void> {
    // Pausing and resuming is not an edit of the set-up: it leaves updated_at (and the open client) alone.
    await this.database.db.updateTable('connectors').set(changes).where('id', '=', id).execute();
  }

  /** Deletes the set-up with its bindings, backlog and dead letters (foreign keys cascade). */
  async delete(id: string): Promise<boolean> {
    const result = await this.database.db.deleteFrom('connectors').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
