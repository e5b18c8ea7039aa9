import { Logger } from '@nestjs/common';
import { sql } from 'kysely';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectorRow } from '../../../../test/support/connector-row.js';
import { StoreUnderTest } from '../../../../test/support/store-under-test.js';
import { readHostConfig } from '../config/host.config.js';
import { DeliveryHealthRepository } from '../store/alerts/delivery-health.repository.js';
import { DeliveryFacts } from './delivery-facts.js';
import { factsRefreshMs } from '../config/alerts.config.js';
import type { RoundReport } from './delivery-observer.js';
import type { RoundResult } from './settle-outcomes.js';

// What delivery rounds leave in the store for alerts, over a real SQLite store: the first failure after a success at
// once, repeats only once per refresh, and a success that ends a streak never followed by that streak's failure.

const ID = 'c0ffee00-0000-4000-8000-0000000000fa';
const config = readHostConfig({ ALERT_FAILING_AFTER: '4s', ALERT_WINDOW: '1h' });
const connector = connectorRow({ id: ID });

const round = (at: number, outcome: 'delivered' | 'retry' | 'dead', count = 1): RoundReport => {
  const result: RoundResult = {
    delivered: outcome === 'delivered' ? [...Array(count).keys()] : [],
    retry:
      outcome === 'retry' ? [...Array(count).keys()].map((seq) => ({ seq, nextAttemptAt: at, code: 'HTTP_503', message: 'down' })) : [],
    dead: outcome === 'dead' ? [...Array(count).keys()].map((seq) => ({ seq, code: 'HTTP_400', message: 'bad' })) : [],
    throttled: 0,
    destinationFailures: 0,
    timedOut: 0,
    ...(outcome === 'delivered' ? {} : { lastFailure: { code: outcome === 'retry' ? 'HTTP_503' : 'HTTP_400', message: 'no' } }),
  };
  return { connector, batch: [], outcomes: [], result, latencyMs: 1, finishedAt: at };
};

beforeAll(() => Logger.overrideLogger(false));

describe('DeliveryFacts', () => {
  let store: StoreUnderTest;
  let facts: DeliveryFacts;
  const row = () => store.database.db.selectFrom('delivery_health').selectAll().where('connector_id', '=', ID).executeTakeFirst();

  beforeEach(async () => {
    store = await StoreUnderTest.create('sqlite');
    await store.engineStore.connectors().insert(connector);
    facts = new DeliveryFacts(new DeliveryHealthRepository(store.database), config);
  });
  afterEach(async () => {
    await facts.onModuleDestroy();
    await store.remove();
  });

  it('writes the first failure at once, repeats once per refresh, and the success that ends the streak', async () => {
    const t = 1_800_000_000_000;
    expect(factsRefreshMs(4000)).toBe(1000);
    facts.observe(round(t, 'retry'));
    await facts.onModuleDestroy();
    expect(await row()).toMatchObject({ failing_since: t, last_failure_at: t, last_error: JSON.stringify(['HTTP_503', 'no']) });
    facts.observe(round(t + 500, 'retry'));
    await facts.onModuleDestroy();
    expect((await row())?.last_failure_at).toBe(t);
    facts.observe(round(t + 1000, 'retry'));
    await facts.onModuleDestroy();
    expect(await row()).toMatchObject({ failing_since: t, last_failure_at: t + 1000 });
    facts.observe(round(t + 1200, 'delivered'));
    await facts.onModuleDestroy();
    expect(await row()).toMatchObject({ failing_since: t, last_success_at: t + 1200 });
  });

  it('never lets a failure written with the success that ended it start a new streak', async () => {
    const t = 1_800_000_000_000;
    facts.observe(round(t, 'retry'));
    facts.observe(round(t + 10, 'delivered'));
    await facts.onModuleDestroy();
    const written = await row();
    expect(written?.last_success_at).toBe(t + 10);
    expect(written?.failing_since ?? 0).toBeLessThanOrEqual(t + 10);
  });

  it('counts dead letters per window, and does not take a dead letter for a failing destination', async () => {
    const t = 1_800_000_000_000; // on the hour
    facts.observe(round(t + 1, 'dead', 2));
    facts.observe(round(t + 2, 'dead', 3));
    await facts.onModuleDestroy();
    expect(await row()).toMatchObject({ dead_window: t, dead_count: 5, failing_since: null });
    facts.observe(round(t + 3_600_000, 'dead', 1));
    await facts.onModuleDestroy();
    expect(await row()).toMatchObject({ dead_window: t + 3_600_000, dead_count: 1 });
  });

  it('keeps what a flush could not write (the store was away) and writes it with the next', async () => {
    const t = 1_800_000_000_000;
    await sql`ALTER TABLE delivery_health RENAME TO delivery_health_away`.execute(store.database.db);
    facts.observe(round(t, 'retry'));
    facts.observe(round(t + 5, 'dead', 2));
    await facts.onModuleDestroy();
    await sql`ALTER TABLE delivery_health_away RENAME TO delivery_health`.execute(store.database.db);
    expect(await row()).toBeUndefined();
    facts.observe(round(t + 10, 'dead', 1));
    await facts.onModuleDestroy();
    expect(await row()).toMatchObject({ failing_since: t, dead_count: 3 });
  });
});
