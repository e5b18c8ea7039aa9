import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BindingsRepository } from './bindings.repository.js';
import type { ConnectorsRepository } from './connectors.repository.js';
import type { SqliteDatabase } from '../sqlite/sqlite-database.js';
import { SqliteStore } from '../sqlite/sqlite-store.js';
import { RoutingVersion } from './routing-version.js';
import { connectorRow } from '../../../../../test/support/connector-row.js';

const SOURCE = '5b0e3f7a-9c1d-4e2f-8a6b-7c8d9e0f1a2b';

describe('the routing lookup, answered from memory until bindings or connectors change', () => {
  let dir: string;
  let database: SqliteDatabase;
  let connectors: ConnectorsRepository;
  let bindings: BindingsRepository;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bindings-'));
    const store = new SqliteStore({ databasePath: join(dir, 'host.db') });
    database = store.database;
    await database.migrate();
    const routing = new RoutingVersion();
    connectors = store.connectors(routing);
    bindings = store.bindings(routing);
    await connectors.insert(connectorRow({ id: 'c1', type: 'kinesis', name: 'c', partner_number: 7 }));
  });
  afterEach(async () => {
    await database.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const bind = (id: string) =>
    bindings.insert({
      id,
      connector_id: 'c1',
      site_number: 1,
      source_type: 'audience',
      source_id: SOURCE,
      source_number: 1,
      source_label: 'a',
      source_name: null,
      profile_variables: '[]',
      properties: '[]',
      created_at: 0,
    });

  it('sees a new binding, a disabled connector and a deleted binding at once', async () => {
    expect((await bindings.routableFor([[1, SOURCE]]))(1, SOURCE)).toEqual([]); // cached as empty
    await bind('b1');
    expect((await bindings.routableFor([[1, SOURCE]]))(1, SOURCE).map((row) => row.id)).toEqual(['b1']);
    await connectors.update('c1', { enabled: 0 });
    expect((await bindings.routableFor([[1, SOURCE]]))(1, SOURCE)[0].connector_enabled).toBe(0);
    await bindings.delete('b1');
    expect((await bindings.routableFor([[1, SOURCE]]))(1, SOURCE)).toEqual([]);
  });

  it('answers repeated lookups without the database', async () => {
    await bind('b1');
    const first = (await bindings.routableFor([[1, SOURCE]]))(1, SOURCE);
    // Written behind the repository's back: a cached answer does not see it (every writer goes through the repositories).
    database.sqlite.prepare('DELETE FROM bindings').run();
    expect((await bindings.routableFor([[1, SOURCE]]))(1, SOURCE)).toBe(first);
  });

  it('a connector deleted with its bindings (cascade) routes nowhere', async () => {
    await bind('b1');
    expect((await bindings.routableFor([[1, SOURCE]]))(1, SOURCE)).toHaveLength(1);
    await connectors.delete('c1');
    expect((await bindings.routableFor([[1, SOURCE]]))(1, SOURCE)).toEqual([]);
  });
});
