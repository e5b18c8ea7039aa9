import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from './database.service.js';
import { RoutingVersion } from './routing-version.js';
import type { BindingsTable } from './schema.js';

export type BindingRow = BindingsTable;

/** A binding with the fields of its connector that routing needs. */
export interface RoutableBinding extends BindingRow {
  connector_type: string;
  connector_enabled: number;
  partner_number: number;
}

/** Most (site, source) answers kept in memory; past it the cache starts over (random unknown sources cannot grow it). */
const ROUTING_CACHE_ENTRIES = 100_000;

/** Bindings of connectors to audiences and journey steps. */
@Injectable()
export class BindingsRepository {
  private readonly forSource: Statement<[number, string], RoutableBinding>;
  /** Routing answers by site and source, valid while the routing version is `cachedAt`. */
  private readonly routable = new Map<string, readonly RoutableBinding[]>();
  private cachedAt = -1;

  constructor(
    private readonly database: DatabaseService,
    private readonly routing: RoutingVersion,
  ) {
    // Read on every ingested event: compiled once, run synchronously.
    const { sql } = database.db
      .selectFrom('bindings')
      .innerJoin('connectors', 'connectors.id', 'bindings.connector_id')
      .selectAll('bindings')
      .select(['connectors.type as connector_type', 'connectors.enabled as connector_enabled', 'connectors.partner_number'])
      .where('bindings.site_number', '=', 0)
      .where('bindings.source_id', '=', '')
      // A binding whose connector moved site would be a bug elsewhere; never route across sites regardless.
      .whereRef('connectors.site_number', '=', 'bindings.site_number')
      .orderBy('bindings.created_at')
      .compile();
    this.forSource = database.sqlite.prepare(sql);
  }

  async insert(row: BindingRow): Promise<void> {
    await this.database.db.insertInto('bindings').values(row).execute();
    this.routing.bump();
  }

  async get(id: string): Promise<BindingRow | undefined> {
    return this.database.db.selectFrom('bindings').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async exists(connectorId: string, sourceId: string): Promise<boolean> {
    const row = await this.database.db
      .selectFrom('bindings')
      .select('id')
      .where('connector_id', '=', connectorId)
      .where('source_id', '=', sourceId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async list(filter: { connectorId?: string; sourceId?: string; siteNumber?: number }): Promise<BindingRow[]> {
    let query = this.database.db.selectFrom('bindings').selectAll();
    if (filter.connectorId !== undefined) query = query.where('connector_id', '=', filter.connectorId);
    if (filter.sourceId !== undefined) query = query.where('source_id', '=', filter.sourceId);
    if (filter.siteNumber !== undefined) query = query.where('site_number', '=', filter.siteNumber);
    return query.orderBy('created_at').orderBy('id').execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.database.db.deleteFrom('bindings').where('id', '=', id).executeTakeFirst();
    this.routing.bump();
    return result.numDeletedRows > 0n;
  }

  /**
   * Bindings of one source within one site, with their connectors: the routing lookup, read for every source of
   * every request, so answered from memory until a binding or connector changes. Synchronous; callers must not
   * change the rows.
   */
  routableFor(siteNumber: number, sourceId: string): readonly RoutableBinding[] {
    if (this.cachedAt !== this.routing.value) {
      this.routable.clear();
      this.cachedAt = this.routing.value;
    }
    const key = `${siteNumber}:${sourceId}`;
    let rows = this.routable.get(key);
    if (!rows) {
      rows = this.forSource.all(siteNumber, sourceId);
      if (this.routable.size >= ROUTING_CACHE_ENTRIES) this.routable.clear();
      this.routable.set(key, rows);
    }
    return rows;
  }
}
