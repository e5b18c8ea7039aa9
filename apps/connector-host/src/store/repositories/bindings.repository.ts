import type { DatabaseService } from '../database.service.js';
import type { RoutingVersion } from './routing-version.js';
import type { BindingsTable } from '../schema.js';

export type BindingRow = BindingsTable;

/** A binding with the fields of its connector that routing needs. */
export interface RoutableBinding extends BindingRow {
  connector_type: string;
  connector_enabled: number;
  partner_number: number;
}

/** The bindings of one (site, source), as read for one request. */
export type RoutingLookup = (siteNumber: number, sourceId: string) => readonly RoutableBinding[];

/** Most (site, source) answers kept in memory; past it the cache starts over (random unknown sources cannot grow it). */
const ROUTING_CACHE_ENTRIES = 100_000;

/** Bindings of connectors to audiences and journey steps. */
export class BindingsRepository {
  /** Routing answers by site and source, valid while the routing version is `cachedAt`. */
  private readonly routable = new Map<string, readonly RoutableBinding[]>();
  private cachedAt = -1;

  constructor(
    protected readonly database: DatabaseService,
    private readonly routing: RoutingVersion,
  ) {}

  protected routableQuery(sources: readonly (readonly [number, string])[]) {
    return (
      this.database.db
        .selectFrom('bindings')
        .innerJoin('connectors', 'connectors.id', 'bindings.connector_id')
        .selectAll('bindings')
        .select(['connectors.type as connector_type', 'connectors.enabled as connector_enabled', 'connectors.partner_number'])
        .where((eb) =>
          eb.or(sources.map(([site, source]) => eb.and([eb('bindings.site_number', '=', site), eb('bindings.source_id', '=', source)]))),
        )
        // A binding whose connector moved site would be a bug elsewhere; never route across sites regardless.
        .whereRef('connectors.site_number', '=', 'bindings.site_number')
        .orderBy('bindings.created_at')
    );
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

  /** How many bindings an audience or journey step of a site has: what one of its events fans out to. */
  async countForSource(siteNumber: number, sourceId: string): Promise<number> {
    const row = await this.database.db
      .selectFrom('bindings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('site_number', '=', siteNumber)
      .where('source_id', '=', sourceId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
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
   * The routing lookup for a request's sources: bindings of each (site, source), with their connectors. Read for
   * every source of every request, so answered from memory until a binding or connector changes (here or, on
   * PostgreSQL, on another instance). Callers must not change the rows.
   */
  async routableFor(sources: Iterable<readonly [siteNumber: number, sourceId: string]>): Promise<RoutingLookup> {
    for (let attempt = 0; ; attempt++) {
      const version = this.routing.value;
      if (this.cachedAt !== version) {
        this.routable.clear();
        this.cachedAt = version;
      }
      const found = new Map<string, readonly RoutableBinding[]>();
      const missing = new Map<string, readonly [number, string]>();
      for (const [site, source] of sources) {
        const key = `${site}:${source}`;
        const rows = this.routable.get(key);
        if (rows) found.set(key, rows);
        else missing.set(key, [site, source]);
      }
      if (missing.size > 0) {
        for (const [key, rows] of await this.read([...missing.values()])) {
          found.set(key, rows);
          if (this.routing.value !== version) continue;
          if (this.routable.size >= ROUTING_CACHE_ENTRIES) this.routable.clear();
          this.routable.set(key, rows);
        }
      }
      // Read while something changed: read again (twice at most), so no answer predates a change it raced with.
      if (this.routing.value === version || attempt === 2) return (site, source) => found.get(`${site}:${source}`) ?? [];
    }
  }

  /** The bindings of each (site, source), keyed `site:source`. */
  protected async read(sources: readonly (readonly [number, string])[]): Promise<Map<string, readonly RoutableBinding[]>> {
    const byKey = new Map<string, RoutableBinding[]>(sources.map(([site, source]) => [`${site}:${source}`, []]));
    for (let start = 0; start < sources.length; start += 500) {
      for (const row of await this.routableQuery(sources.slice(start, start + 500)).execute())
        byKey.get(`${row.site_number}:${row.source_id}`)?.push(row);
    }
    return byKey;
  }
}
