import type { Statement } from 'better-sqlite3';
import { BindingsRepository, type RoutableBinding } from '../repositories/bindings.repository.js';
import type { RoutingVersion } from '../repositories/routing-version.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Bindings on SQLite: the routing lookup, read for every ingested event, compiled once and run synchronously. */
export class SqliteBindingsRepository extends BindingsRepository {
  private readonly forSource: Statement<[number, string], RoutableBinding>;

  constructor(database: SqliteDatabase, routing: RoutingVersion) {
    super(database, routing);
    this.forSource = database.sqlite.prepare(this.routableQuery([[0, '']]).compile().sql);
  }

  protected override read(sources: readonly (readonly [number, string])[]): Promise<Map<string, readonly RoutableBinding[]>> {
    return Promise.resolve(new Map(sources.map(([site, source]) => [`${site}:${source}`, this.forSource.all(site, source)])));
  }
}
