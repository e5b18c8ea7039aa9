import { Logger } from '@nestjs/common';
import { sql } from 'kysely';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeOnPostgres, STORE_ENGINES } from '../../../../../test/support/postgres.js';
import type { NewMessage } from '../outbox/outbox-store.js';
import { A, B, StoreUnderTest } from '../../../../../test/support/store-under-test.js';
import { TrafficStatsRepository } from './traffic-stats.repository.js';
import { dayOf } from './traffic-tally.js';

beforeAll(() => Logger.overrideLogger(false));

const body = (callType: string) => JSON.stringify({ profileId: 'p', sourceId: 's', partnerNumber: 1, callType });
const message = (connectorId: string, key: string, callType = 'NEW'): NewMessage => ({
  connectorId,
  partitionKey: key,
  sourceId: 'src',
  body: body(callType),
});

describe.each(STORE_ENGINES)('traffic statistics on %s: counted in the transactions that decide them', (engine) => {
  let store: StoreUnderTest;
  let traffic: TrafficStatsRepository;

  /** Every count of a connector summed over all days (a run may cross midnight UTC); the maximum apart. */
  const counts = async (connectorId: string) => {
    const sums: Record<string, number> = {};
    for (const row of await traffic.daily(connectorId, '1970-01-01')) {
      if (row.metric !== 'largest_message_bytes') sums[row.metric] = (sums[row.metric] ?? 0) + row.count;
    }
    return sums;
  };
  const accept = async (messages: NewMessage[]) => {
    const { appended } = await store.outbox.commitGroup([{ messages, acceptedAt: Date.now() }]);
    store.outbox.committed(appended);
  };
  const head = async (connectorId: string) => [...(await store.outbox.head(connectorId, 1000, 1))];

  beforeEach(async () => {
    store = await StoreUnderTest.create(engine);
    traffic = new TrafficStatsRepository(store.database);
  });

  afterEach(async () => {
    await store.remove();
  });

  it('counts deliveries (REMOVED apart), failures and retries by category, and dead letters, on the UTC day', async () => {
    await accept([message(A, 'a1'), message(A, 'a2', 'REMOVED'), message(A, 'a3'), message(A, 'a4'), message(A, 'a5')]);
    const [a1, a2, a3, a4, a5] = await head(A);
    const before = dayOf(Date.now());
    await store.outbox.settleAll(
      store.fenced([
        {
          connectorId: A,
          settlement: {
            delivered: [a1.seq, a2.seq],
            removed: [a2.seq],
            retry: [
              { seq: a3.seq, nextAttemptAt: 0, code: 'Throttled', message: 'm', category: 'throttled' },
              { seq: a4.seq, nextAttemptAt: 0, code: 'Boom', message: 'm' },
            ],
            dead: [{ seq: a5.seq, code: 'RecordTooLarge', message: 'm', category: 'too_large' }],
          },
        },
      ]),
    );
    expect(await counts(A)).toEqual({
      delivered: 2,
      delivered_removed: 1,
      retried: 2,
      'failed.throttled': 1,
      'failed.other': 1,
      'failed.too_large': 1,
      'dead_lettered.too_large': 1,
    });
    expect([before, dayOf(Date.now())]).toContain((await traffic.daily(A, '1970-01-01'))[0].day);
    expect(await counts(B)).toEqual({});
  });

  it('counts a message settled twice once, and what a stale settlement did not write not at all', async () => {
    await accept([message(A, 'a1'), message(A, 'a2')]);
    const [a1, a2] = await head(A);
    const delivered = { delivered: [a1.seq], retry: [], dead: [] };
    await store.outbox.settleAll(store.fenced([{ connectorId: A, settlement: delivered }]));
    await store.outbox.settleAll(
      store.fenced([
        { connectorId: A, settlement: delivered },
        { connectorId: A, settlement: { delivered: [a1.seq, a2.seq], retry: [], dead: [] } },
      ]),
    );
    expect(await counts(A)).toEqual({ delivered: 2 });
  });

  it('counts skips per connector with the request that made them, and an expiry as dead letters', async () => {
    const { appended } = await store.outbox.commitGroup([
      {
        messages: [message(A, 'a1')],
        skipped: [
          { connectorId: A, reason: 'no_partner_ids' },
          { connectorId: A, reason: 'no_partner_ids' },
          { connectorId: B, reason: 'connector_disabled' },
          { connectorId: null, reason: 'no_binding' },
        ],
        acceptedAt: Date.now(),
      },
    ]);
    store.outbox.committed(appended);
    expect(await store.outbox.expire(A, Date.now() + 1)).toBe(1);
    expect(await counts(A)).toEqual({ 'skipped.no_partner_ids': 2, 'dead_lettered.other': 1 });
    expect(await counts(B)).toEqual({ 'skipped.connector_disabled': 1 });
  });

  it('keeps the largest message each connector got, across commits, whichever wrote it', async () => {
    const sized = (connectorId: string, key: string, bytes: number): NewMessage => ({
      ...message(connectorId, key),
      body: 'é'.repeat(bytes / 2),
    });
    await accept([sized(A, 'a1', 300), sized(A, 'a2', 900), sized(B, 'b1', 100)]);
    await accept([sized(A, 'a3', 500)]);
    const since = '1970-01-01';
    expect(await traffic.largestMessageSince(A, since)).toBe(900);
    expect(await traffic.largestMessageSince(B, since)).toBe(100);
    await accept([sized(B, 'b2', 4000)]);
    expect(await traffic.largestMessageSince(B, since)).toBe(4000);
    expect(await traffic.largestMessageSince(B, '2999-01-01')).toBe(0);
  });

  it('keeps the counts across a restart, forgets old days, and goes with its connector', async () => {
    await accept([message(A, 'a1'), message(B, 'b1')]);
    const [a1] = await head(A);
    const [b1] = await head(B);
    await store.outbox.settleAll(
      store.fenced([
        { connectorId: A, settlement: { delivered: [a1.seq], retry: [], dead: [] } },
        { connectorId: B, settlement: { delivered: [b1.seq], retry: [], dead: [] } },
      ]),
    );
    await sql`INSERT INTO traffic_stats (connector_id, day, metric, count) VALUES (${A}, '2020-01-01', 'delivered', 5)`.execute(
      store.database.db,
    );
    await store.close();
    await store.open();
    traffic = new TrafficStatsRepository(store.database);
    expect(await counts(A)).toEqual({ delivered: 6 });
    expect(await traffic.deleteBefore('2021-01-01')).toBe(1);
    expect(await counts(A)).toEqual({ delivered: 1 });
    expect(await store.engineStore.connectors().delete(A)).toBe(true);
    expect(await counts(A)).toEqual({});
    expect(await counts(B)).toEqual({ delivered: 1 });
  });
});

describeOnPostgres('traffic statistics on PostgreSQL under a fence', () => {
  it('counts nothing for partitions another instance took over', async () => {
    const store = await StoreUnderTest.create('postgres', 16);
    try {
      const traffic = new TrafficStatsRepository(store.database);
      const profiles = Array.from({ length: 40 }, (_, i) => message(A, `p${i}`));
      const { appended } = await store.outbox.commitGroup([{ messages: profiles, acceptedAt: Date.now() }]);
      store.outbox.committed(appended);
      const head = [...(await store.outbox.head(A, 1000, 1))];
      const stale = store.fenced([{ connectorId: A, settlement: { delivered: head.map((m) => m.seq), retry: [], dead: [] } }]);
      await sql`UPDATE partition_leases SET owner = 'other', epoch = epoch + 1 WHERE partition < 4`.execute(store.database.db);
      const [settled] = await store.outbox.settleAll(stale);
      expect(settled).toBeLessThan(head.length);
      const rows = (await traffic.daily(A, '1970-01-01')).filter((row) => row.metric !== 'largest_message_bytes');
      expect(rows.map((row) => [row.metric, row.count])).toEqual([['delivered', settled]]);
    } finally {
      await store.remove();
    }
  });
});

describeOnPostgres('traffic statistics on PostgreSQL with an instance frozen inside a transaction', () => {
  it("does not wait on another instance's rows: each instance counts in rows of its own, summed when read", async () => {
    const store = await StoreUnderTest.create('postgres');
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    try {
      const traffic = new TrafficStatsRepository(store.database);
      const today = new Date().toISOString().slice(0, 10);
      // Another instance, frozen (SIGSTOP) in the middle of a settlement: its rows stay locked until it goes on.
      let locked = () => undefined as void;
      const rowsLocked = new Promise<void>((resolve) => (locked = resolve));
      const frozen = store.database.db.transaction().execute(async (trx) => {
        for (const metric of ['delivered', 'largest_message_bytes', 'skipped.no_partner_ids']) {
          await sql`INSERT INTO traffic_stats (connector_id, day, metric, writer, count) VALUES (${A}, ${today}, ${metric}, 'frozen-instance', 7)`.execute(
            trx,
          );
        }
        locked();
        await held;
      });
      await rowsLocked;
      // This instance takes events for the same connector and settles them meanwhile, within seconds.
      const work = (async () => {
        const { appended } = await store.outbox.commitGroup([
          {
            messages: [message(A, 'a1'), message(A, 'a2')],
            skipped: [{ connectorId: A, reason: 'no_partner_ids' }],
            acceptedAt: Date.now(),
          },
        ]);
        store.outbox.committed(appended);
        const head = [...(await store.outbox.head(A, 1000, 1))];
        await store.outbox.settleAll(
          store.fenced([{ connectorId: A, settlement: { delivered: head.map((m) => m.seq), retry: [], dead: [] } }]),
        );
        return 'done';
      })();
      const outcome = await Promise.race([work, new Promise((resolve) => setTimeout(() => resolve('blocked'), 5000))]);
      expect(outcome).toBe('done');
      release();
      await frozen;
      const rows = await traffic.daily(A, today);
      const sum = (metric: string) => rows.filter((row) => row.metric === metric).reduce((total, row) => total + row.count, 0);
      expect(sum('delivered')).toBe(9);
      expect(sum('skipped.no_partner_ids')).toBe(8);
      expect(rows.filter((row) => row.metric === 'delivered')).toHaveLength(2);
    } finally {
      release();
      await store.remove();
    }
  });
});
