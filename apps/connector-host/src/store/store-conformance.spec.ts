import { Logger } from '@nestjs/common';
import { sql } from 'kysely';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_ENGINES } from '../../../../test/support/postgres.js';
import { A, B, StoreUnderTest } from '../../../../test/support/store-under-test.js';
import type { NewMessage } from './outbox/outbox-store.js';
import type { BindingRow } from './repositories/bindings.repository.js';
import { RoutingVersion } from './repositories/routing-version.js';
import { connectorRow } from '../../../../test/support/connector-row.js';

// The store's conformance suite (as Outpost's drivertest): every engine's repositories, built by `openStore`, must
// behave the same. The outbox has its own (outbox/outbox.spec.ts), run on every engine the same way.

beforeAll(() => Logger.overrideLogger(false));

const OTHER_SITE_CONNECTOR = 'cccccccc-0000-4000-8000-000000000003';
const SOURCE = '11111111-2222-4333-8444-555555555555';

const message = (connectorId: string, key: string): NewMessage => ({
  connectorId,
  partitionKey: key,
  sourceId: SOURCE,
  body: JSON.stringify({ profileId: key }),
});

const binding = (id: string, connectorId: string, siteNumber: number): BindingRow => ({
  id,
  connector_id: connectorId,
  site_number: siteNumber,
  source_type: 'audience',
  source_id: SOURCE,
  source_number: 7,
  source_label: 'Audience',
  source_name: null,
  profile_variables: '[]',
  properties: '{}',
  created_at: 1,
});

describe.each(STORE_ENGINES)('the store on %s conforms', (engine) => {
  let store: StoreUnderTest;
  const routing = new RoutingVersion();
  const connectors = () => store.engineStore.connectors(routing);
  const count = async (table: 'connectors' | 'bindings' | 'traffic_stats' | 'dead_letters' | 'outbox_chunks') =>
    Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(store.database.db)).rows[0].n);
  const deadLetter = (connectorId: string, profile: string, failedAt: number) =>
    sql`INSERT INTO dead_letters (connector_id, partition_key, source_id, body, accepted_at, attempts, failed_at, error_code, error_message)
        VALUES (${connectorId}, ${profile}, ${SOURCE}, ${'{"n":"é"}'}, 1, 3, ${failedAt}, 'X', 'refused')`.execute(store.database.db);

  beforeEach(async () => {
    store = await StoreUnderTest.create(engine);
    await connectors().insert(
      connectorRow({ id: OTHER_SITE_CONNECTOR, type: 'kinesis', site_number: 2, name: 'other site', secrets: 'sealed-c' }),
    );
  });
  afterEach(() => store.remove());

  describe('connectors', () => {
    it('deletes a set-up with its bindings, backlog, dead letters and statistics, and says whether it existed', async () => {
      const bindings = store.engineStore.bindings(routing);
      await bindings.insert(binding('b1', A, 1));
      const { appended } = await store.outbox.commitGroup([{ messages: [message(A, 'p1')], acceptedAt: 1000 }]);
      store.outbox.committed(appended);
      await deadLetter(A, 'p2', 5);
      await sql`INSERT INTO traffic_stats (connector_id, day, metric, count) VALUES (${A}, '2026-12-04', 'delivered', 3)`.execute(
        store.database.db,
      );

      expect(await connectors().delete(A)).toBe(true);
      expect(await connectors().delete(A)).toBe(false);
      expect(await count('bindings')).toBe(0);
      expect(await count('outbox_chunks')).toBe(0);
      expect(await count('dead_letters')).toBe(0);
      expect(await count('traffic_stats')).toBe(0);
      expect((await connectors().ids()).sort()).toEqual([B, OTHER_SITE_CONNECTOR].sort());
    });

    it('inserts a set-up only while its site has room, counted with the insert, even when inserts race', async () => {
      const row = (id: string) => connectorRow({ id, type: 'kinesis', site_number: 7, secrets: '' });
      const ids = ['dddddddd-0000-4000-8000-00000000000', 'eeeeeeee-0000-4000-8000-00000000000'].flatMap((prefix) =>
        [1, 2, 3].map((n) => `${prefix}${n}`),
      );
      // Separate repositories, as separate requests (or instances) would use.
      const results = await Promise.all(ids.map((id) => store.engineStore.connectors(routing).insertWithinSiteQuota(row(id), 4)));
      expect(results.filter((result) => result.inserted)).toHaveLength(4);
      expect(results.filter((result) => !result.inserted)).toEqual([
        { inserted: false, count: 4 },
        { inserted: false, count: 4 },
      ]);
      expect(await connectors().countForSite(7)).toBe(4);
    });

    it('re-seals every set-up in one transaction: all of them, or none when one fails', async () => {
      await connectors().update(A, { secrets: 'sealed-a' });
      await connectors().update(B, { secrets: 'sealed-b' });
      const failing = connectors().resealAll((sealed, id) => {
        if (id === OTHER_SITE_CONNECTOR) throw new Error('key lost');
        return `${sealed}+new`;
      });
      await expect(failing).rejects.toThrow('key lost');
      const secrets = async () =>
        (await Promise.all([A, B, OTHER_SITE_CONNECTOR].map((id) => connectors().get(id)))).map((row) => row?.secrets);
      expect(await secrets()).toEqual(['sealed-a', 'sealed-b', 'sealed-c']);

      expect(await connectors().resealAll((sealed, id) => (id === B ? null : `${sealed}+new`))).toEqual({ resealed: 2, total: 3 });
      expect(await secrets()).toEqual(['sealed-a+new', 'sealed-b', 'sealed-c+new']);
    });
  });

  describe('bindings', () => {
    it("routes a site's source to that site's bindings only, and sees a new binding at once", async () => {
      const bindings = store.engineStore.bindings(routing);
      await bindings.insert(binding('b1', A, 1));
      await bindings.insert(binding('b2', OTHER_SITE_CONNECTOR, 2));
      const route = async (site: number) => (await bindings.routableFor([[site, SOURCE]]))(site, SOURCE).map((row) => row.id);
      expect(await route(1)).toEqual(['b1']);
      expect(await route(2)).toEqual(['b2']);
      await bindings.insert({ ...binding('b3', B, 1), created_at: 2 });
      expect(await route(1)).toEqual(['b1', 'b3']);
      expect(await bindings.delete('b1')).toBe(true);
      expect(await route(1)).toEqual(['b3']);
    });
  });

  describe('dead letters', () => {
    it('pages a connector oldest first with its total, and counts per connector and per site (bytes included)', async () => {
      for (let i = 1; i <= 5; i++) await deadLetter(A, `p${i}`, i);
      await deadLetter(OTHER_SITE_CONNECTOR, 'q', 1);
      const first = await store.deadLetters.page(A, 0, 2);
      expect(first.total).toBe(5);
      expect(first.rows.map((row) => row.partition_key)).toEqual(['p1', 'p2']);
      const next = await store.deadLetters.page(A, first.rows[1].id, 10);
      expect(next.rows.map((row) => row.partition_key)).toEqual(['p3', 'p4', 'p5']);
      expect(await store.deadLetters.lastIdOf(A)).toBe(next.rows[2].id);
      expect(Object.fromEntries(await store.deadLetters.countsByConnector())).toEqual({ [A]: 5, [OTHER_SITE_CONNECTOR]: 1 });
      const bytes = Buffer.byteLength('{"n":"é"}');
      expect(await store.deadLetters.usageForSite(1)).toEqual({ count: 5, bytes: 5 * bytes + 5 * 2 });
      expect(await store.deadLetters.usageForSite(2)).toEqual({ count: 1, bytes: bytes + 1 });
      expect((await store.deadLetters.find({ profileId: 'p4' }, 10)).map((row) => row.connector_id)).toEqual([A]);
      expect((await store.deadLetters.find({ connectorId: A }, 2)).map((row) => row.partition_key)).toEqual(['p5', 'p4']);
    });

    it('deletes in batches: given ids, up to an id, or what failed before a time, never past the limit', async () => {
      for (let i = 1; i <= 6; i++) await deadLetter(A, `p${i}`, i * 10);
      await deadLetter(B, 'b', 15);
      const ids = (await store.deadLetters.page(A, 0, 10)).rows.map((row) => row.id);
      expect(await store.deadLetters.deleteBatch({ connectorId: A, ids: [ids[0], ids[5]] }, 10)).toBe(2);
      expect(await store.deadLetters.deleteBatch({ connectorId: A, upTo: ids[3] }, 1)).toBe(1);
      expect((await store.deadLetters.page(A, 0, 10)).rows.map((row) => row.partition_key)).toEqual(['p3', 'p4', 'p5']);
      expect(await store.deadLetters.deleteBatch({ failedBefore: 45 }, 10)).toBe(3);
      expect((await store.deadLetters.page(A, 0, 10)).rows.map((row) => row.partition_key)).toEqual(['p5']);
      expect(await count('dead_letters')).toBe(1);
    });
  });

  describe('idempotency keys', () => {
    it("keeps a request's first answer, committed with its messages, within the window, and purges it after", async () => {
      const idempotency = store.engineStore.idempotency();
      await store.outbox.commitGroup([
        { messages: [message(A, 'p1')], acceptedAt: 1000, idempotency: { key: 'k1', hash: 'h1', answer: { accepted: 1 } } },
      ]);
      expect(await idempotency.lookup('k1', 500)).toMatchObject({ request_hash: 'h1', status: 202, created_at: 1000 });
      expect(JSON.parse((await idempotency.lookup('k1', 500))?.response ?? 'null')).toEqual({ accepted: 1 });
      expect(await idempotency.lookup('k1', 1001)).toBeUndefined();
      expect(await idempotency.purge(1001)).toBe(1);
      expect(await idempotency.lookup('k1', 0)).toBeUndefined();
    });
  });

  describe('transactions', () => {
    it('never takes a group commit down with a transaction rolled back beside it (a request answered 202 keeps its messages)', async () => {
      // A writer that opens a transaction, yields a turn of the event loop in it, then fails. On SQLite the store
      // refuses such a transaction outright; were it allowed, the commit below would run inside it as a savepoint.
      const failing = store.database.db.transaction().execute(async (trx) => {
        await trx.updateTable('connectors').set({ name: 'renamed' }).where('id', '=', B).execute();
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('rolled back');
      });
      const committing = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return store.outbox.commitGroup([{ messages: [message(A, 'p1'), message(A, 'p2')], acceptedAt: 1000 }]);
      })();
      await expect(failing).rejects.toThrow();
      const { appended } = await committing;
      expect(appended.flatMap((chunk) => chunk.messages)).toHaveLength(2);
      expect(await count('outbox_chunks')).toBe(1);
      expect((await connectors().get(B))?.name).toBe('c');
      // A fresh reading of the store (as after a restart) holds the commit.
      await store.close();
      await store.open();
      expect(store.outbox.pendingCount(A)).toBe(2);
    });
  });
});
