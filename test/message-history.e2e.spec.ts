import { randomBytes, randomUUID } from 'node:crypto';
import { FakeDestinations } from '@event-connectors/connector-sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, fakeConnector, profileEvent } from './support/fixtures.js';
import { HistoryRetention } from '../apps/connector-host/src/history/history-retention.js';
import { freshDatabaseUrl } from './support/postgres.js';
import { eventually, TestHost } from './support/test-host.js';

// The message history through the API: each message with its attempts, kept in the store, so it reads the same after
// a restart and, on PostgreSQL, from another instance. The SDK's fake connector stands in for the destination (its
// scripted outage is what makes a retry).

const onPostgres = process.env.TEST_STORE === 'postgres';
const destinations = new FakeDestinations();
let databaseUrl: string | undefined;
const SECRETS_KEY = randomBytes(32).toString('base64');
let host: TestHost;

/** A host on the suite's store: the same data folder (SQLite), or the same database as another instance (PostgreSQL). */
const start = (instance: string, dataDir?: string) =>
  TestHost.withFake({
    destinations,
    dataDir,
    env: databaseUrl ? { DATABASE_URL: databaseUrl, SECRETS_KEY, INSTANCE_ID: instance } : {},
  });

beforeAll(async () => {
  if (onPostgres) databaseUrl = await freshDatabaseUrl();
  host = await start('host-a');
});
afterAll(async () => {
  await host?.stop(true);
});

interface Page {
  items: {
    id: string;
    profileId: string;
    status: string;
    callType: string;
    attempts: { outcome: string; receipt: unknown; error: unknown }[];
  }[];
  next: string | null;
}

async function setUp() {
  const name = `h-${randomUUID().slice(0, 8)}`;
  const connector = (await host.request('POST', '/v1/connectors', fakeConnector(name))).body;
  const binding = (await host.request('POST', '/v1/bindings', audienceBinding(connector.id))).body;
  return { id: connector.id as string, sourceId: binding.source.id as string, destination: destinations.get(name) };
}

const post = (sourceId: string, profiles: string[]) =>
  host.request('POST', '/v1/events', {
    events: profiles.map((profileId) => profileEvent(sourceId, { profile: { profileId, partnerIds: { '33': ['1'] } } })),
  });

const messages = (id: string, query = '', on = host) => on.request<Page>('GET', `/v1/connectors/${id}/messages${query}`);

describe('the message history', () => {
  it('shows every message with its attempts, and shows the same after a restart and from another instance', async () => {
    const { id, sourceId, destination } = await setUp();
    let refusals = 0;
    destination.answerWith((message) =>
      message.partitionKey === 'p-1' && refusals++ === 0
        ? { status: 'retryable', reason: { code: 'ServiceUnavailable', message: 'try later' } }
        : undefined,
    );
    expect((await post(sourceId, ['p-1', 'p-2', 'p-3'])).status).toBe(202);
    await eventually('all three delivered', async () => (destination.received.length === 3 ? true : undefined));
    const page = await eventually('the history of all three', async () => {
      const answer = await messages(id);
      return answer.body.items.every((item) => item.status === 'delivered') && answer.body.items.length === 3 ? answer : undefined;
    });
    expect(page.status).toBe(200);
    expect(page.body.next).toBeNull();
    expect(page.body.items.map((item) => item.profileId)).toEqual(['p-3', 'p-2', 'p-1']);
    const p1 = page.body.items[2];
    expect(p1.callType).toBe('NEW');
    expect(p1.attempts.map((attempt) => attempt.outcome)).toEqual(['retry', 'delivered']);
    expect(p1.attempts[0].error).toEqual({ code: 'ServiceUnavailable', message: 'try later' });
    expect(p1.attempts[1].receipt).toMatchObject({ destination: destination.name });
    // The id is the one the destination got.
    expect(destination.offered.filter((message) => message.partitionKey === 'p-1').map((message) => message.id)).toEqual([p1.id, p1.id]);

    const other = onPostgres ? await start('host-b') : undefined;
    try {
      if (other) expect((await messages(id, '', other)).body).toEqual(page.body);
      await host.stop();
      host = await start('host-a', host.dataDir);
      expect((await messages(id)).body).toEqual(page.body);
    } finally {
      await other?.stop(true);
    }
  });

  it('filters by profile, outcome and time, and pages by cursor, newest first', async () => {
    const { id, sourceId, destination } = await setUp();
    const before = new Date().toISOString();
    await post(sourceId, ['a', 'b', 'a', 'c', 'a']);
    await eventually('five delivered', async () => (destination.received.length === 5 ? true : undefined));
    await eventually('five settled', async () => ((await messages(id, '?outcome=delivered')).body.items.length === 5 ? true : undefined));
    const a = await messages(id, '?profileId=a');
    expect(a.body.items.map((item) => item.profileId)).toEqual(['a', 'a', 'a']);
    expect((await messages(id, '?outcome=pending')).body.items).toEqual([]);
    expect((await messages(id, `?to=${encodeURIComponent(before)}`)).body.items).toEqual([]);
    expect((await messages(id, `?from=${encodeURIComponent(before)}`)).body.items).toHaveLength(5);

    const ids: string[] = [];
    let cursor = '';
    for (let page = 0; page < 5; page++) {
      const answer = await messages(id, `?limit=2${cursor}`);
      ids.push(...answer.body.items.map((item) => item.id));
      if (answer.body.next === null) break;
      cursor = `&cursor=${answer.body.next}`;
    }
    expect(ids).toEqual((await messages(id)).body.items.map((item) => item.id));
    expect(new Set(ids).size).toBe(5);
  });

  it('forgets what is older than MESSAGE_HISTORY_DAYS, keeping what is pending', async () => {
    const { id, sourceId, destination } = await setUp();
    await post(sourceId, ['old-1']);
    await eventually('delivered', async () => ((await messages(id, '?outcome=delivered')).body.items.length === 1 ? true : undefined));
    destination.failWith({ code: 'ServiceUnavailable', message: 'down' });
    await post(sourceId, ['waiting']);
    // Eight days on, as the retention job sees it: the delivered message goes, the pending one stays.
    const purged = await host.app.get(HistoryRetention, { strict: false }).purge(Date.now() + 8 * 86_400_000);
    expect(purged).toBeGreaterThan(0);
    expect((await messages(id)).body.items.map((item) => [item.profileId, item.status])).toEqual([['waiting', 'pending']]);
    destination.answerWith();
  });

  it('refuses a wrong filter with 400 naming it, and an unknown connector with 404', async () => {
    const { id } = await setUp();
    const refused = async (query: string) => {
      const answer = await host.request<{ errors: { field: string }[] }>('GET', `/v1/connectors/${id}/messages${query}`);
      return [answer.status, answer.body.errors[0]?.field];
    };
    expect(await refused('?outcome=lost')).toEqual([400, 'outcome']);
    expect(await refused('?from=yesterday')).toEqual([400, 'from']);
    expect(await refused('?cursor=abc')).toEqual([400, 'cursor']);
    expect(await refused('?limit=501')).toEqual([400, 'limit']);
    expect(await refused('?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z')).toEqual([400, 'from']);
    expect((await messages(randomUUID())).status).toBe(404);
  });
});
