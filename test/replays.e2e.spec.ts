import { randomBytes, randomUUID } from 'node:crypto';
import type { DeliveryMessage } from '@event-connectors/connector-sdk';
import { FakeDestinations } from '@event-connectors/connector-sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryRetention } from '../apps/connector-host/src/history/history-retention.js';
import { REPLAY_ROOM } from '../apps/connector-host/src/history/replay-runner.js';
import { audienceBinding, fakeConnector, profileEvent } from './support/fixtures.js';
import { freshDatabaseUrl } from './support/postgres.js';
import { eventually, TestHost } from './support/test-host.js';

// Replays of a connector's history through the API: a time range sent again with the ids its messages had, each
// profile's in order, behind live traffic, one at a time, across a restart. The SDK's fake connector stands in for
// the destination (what it was offered is what is checked).

const onPostgres = process.env.TEST_STORE === 'postgres';
const destinations = new FakeDestinations();
const SECRETS_KEY = randomBytes(32).toString('base64');
let databaseUrl: string | undefined;
let host: TestHost;

const start = (dataDir?: string) =>
  TestHost.withFake({ destinations, dataDir, env: databaseUrl ? { DATABASE_URL: databaseUrl, SECRETS_KEY, INSTANCE_ID: 'host-a' } : {} });

beforeAll(async () => {
  if (onPostgres) databaseUrl = await freshDatabaseUrl();
  host = await start();
});
afterAll(async () => {
  await host?.stop(true);
});

interface Replay {
  id: string;
  status: string;
  total: number;
  requeued: number;
  delivered: number;
  outcomes: string[];
}

async function setUp() {
  const name = `r-${randomUUID().slice(0, 8)}`;
  const connector = (await host.request('POST', '/v1/connectors', fakeConnector(name))).body;
  const binding = (await host.request('POST', '/v1/bindings', audienceBinding(connector.id))).body;
  return { id: connector.id as string, sourceId: binding.source.id as string, destination: destinations.get(name) };
}

const post = (sourceId: string, profiles: string[]) =>
  host.request('POST', '/v1/events', {
    events: profiles.map((profileId) => profileEvent(sourceId, { profile: { profileId, partnerIds: { '33': ['1'] } } })),
  });

const replay = (id: string, body: object) => host.request<Replay>('POST', `/v1/connectors/${id}/replays`, body);
const status = async (id: string, replayId: string) => (await host.request<Replay>('GET', `/v1/connectors/${id}/replays/${replayId}`)).body;
const settled = async (id: string, count: number) =>
  eventually(`${count} settled in the history`, async () => {
    const { items } = (await host.request('GET', `/v1/connectors/${id}/messages?limit=500`)).body;
    return items.filter((item: { status: string }) => item.status !== 'pending').length >= count ? true : undefined;
  });
const idsByProfile = (messages: readonly DeliveryMessage[]) => {
  const byProfile = new Map<string, string[]>();
  for (const message of messages) byProfile.set(message.partitionKey, [...(byProfile.get(message.partitionKey) ?? []), message.id]);
  return byProfile;
};

describe('replays of the message history', () => {
  it('sends a time range again with the same ids, each profile in order, while live traffic goes on', async () => {
    const { id, sourceId, destination } = await setUp();
    const from = new Date(Date.now() - 1000).toISOString();
    await post(sourceId, ['a', 'b', 'a', 'c', 'a', 'b']);
    await settled(id, 6);
    const first = [...destination.received];
    const to = new Date().toISOString();

    const started = await replay(id, { from, to });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      status: expect.stringMatching(/running|done/),
      total: 6,
      outcomes: ['delivered', 'dead_lettered'],
    });
    await post(sourceId, ['live']);
    const done = await eventually('the replay delivered', async () => {
      const now = await status(id, started.body.id);
      return now.status === 'done' && now.delivered === 6 ? now : undefined;
    });
    expect(done).toMatchObject({ total: 6, requeued: 6, delivered: 6 });
    await eventually('live delivered', async () => (destination.bodiesFor('live').length === 1 ? true : undefined));

    const again = destination.received.slice(first.length).filter((message) => message.partitionKey !== 'live');
    expect(idsByProfile(again)).toEqual(idsByProfile(first));
    expect(again.map((message) => message.body).sort()).toEqual(first.map((message) => message.body).sort());

    // A second replay up to now sends the originals again (the six and the live one), not the first replay's copies.
    const second = await replay(id, { from, to: new Date().toISOString() });
    const secondDone = await eventually('the second replay done', async () => {
      const now = await status(id, second.body.id);
      return now.status === 'done' ? now : undefined;
    });
    expect(secondDone.requeued).toBe(7);
  });

  it('waits at a message of its range still pending, so nothing is skipped and what follows it keeps its place', async () => {
    const { id, sourceId, destination } = await setUp();
    const from = new Date(Date.now() - 1000).toISOString();
    await post(sourceId, ['first']);
    await settled(id, 1);
    destination.answerWith((message) =>
      message.partitionKey === 'slow' ? { status: 'retryable', reason: { code: 'ServiceUnavailable', message: 'busy' } } : undefined,
    );
    await post(sourceId, ['slow']);
    await post(sourceId, ['after']);
    await eventually('after delivered', async () => (destination.bodiesFor('after').length === 1 ? true : undefined));
    const started = await replay(id, { from, to: new Date().toISOString() });
    const held = await eventually('the replay up to the pending message', async () => {
      const now = await status(id, started.body.id);
      return now.requeued === 1 && now.delivered === 1 ? now : undefined;
    });
    expect(held.status).toBe('running');
    expect(destination.bodiesFor('after')).toHaveLength(1);
    destination.answerWith();
    const done = await eventually('the replay done once the pending message settled', async () => {
      const now = await status(id, started.body.id);
      return now.status === 'done' && now.delivered === 3 ? now : undefined;
    });
    expect(done.requeued).toBe(3);
    expect(destination.bodiesFor('after')).toHaveLength(2);
  });

  it('replays only the outcomes asked for, and refuses a second replay while one runs', async () => {
    const { id, sourceId, destination } = await setUp();
    const from = new Date(Date.now() - 1000).toISOString();
    destination.answerWith((message) =>
      message.partitionKey === 'refused' ? { status: 'rejected', reason: { code: 'InvalidRecord', message: 'no' } } : undefined,
    );
    await post(sourceId, ['ok', 'refused']);
    await settled(id, 2);
    destination.answerWith();
    const refusedId = destination.offered.find((message) => message.partitionKey === 'refused')!.id;

    // A backlog at the replay's room holds it running (live traffic first): the destination is down meanwhile.
    destination.failWith({ code: 'ServiceUnavailable', message: 'down' });
    await post(
      sourceId,
      Array.from({ length: REPLAY_ROOM }, (_, i) => `wait-${i}`),
    );
    const to = new Date().toISOString();
    const dead = await replay(id, { from, to, outcomes: ['dead_lettered'] });
    expect(dead.status).toBe(202);
    expect((await status(id, dead.body.id)).requeued).toBe(0);
    const second = await replay(id, { from, to });
    expect(second.status).toBe(409);
    // The connector's replays, newest first: the running one is found without its id (the console follows it so).
    const [latest] = (await host.request('GET', `/v1/connectors/${id}/replays?limit=1`)).body.items;
    expect(latest).toMatchObject({ id: dead.body.id, status: 'running', outcomes: ['dead_lettered'] });

    destination.answerWith();
    const finished = await eventually(
      'the dead-letter replay done',
      async () => {
        const now = await status(id, dead.body.id);
        return now.status === 'done' && now.delivered === 1 ? now : undefined;
      },
      20_000,
    );
    expect(finished.requeued).toBe(1);
    expect(destination.received.filter((message) => message.id === refusedId).map((message) => message.partitionKey)).toEqual(['refused']);
    expect(destination.bodiesFor('ok')).toHaveLength(1);
  });

  it('cancels a running replay, and goes on with one across a restart', async () => {
    const { id, sourceId, destination } = await setUp();
    const from = new Date(Date.now() - 1000).toISOString();
    await post(sourceId, ['p1', 'p2']);
    await settled(id, 2);
    const to = new Date().toISOString();
    destination.failWith({ code: 'ServiceUnavailable', message: 'down' });
    await post(
      sourceId,
      Array.from({ length: REPLAY_ROOM }, (_, i) => `hold-${i}`),
    );

    const cancelled = await replay(id, { from, to });
    const deleted = await host.request<Replay>('DELETE', `/v1/connectors/${id}/replays/${cancelled.body.id}`);
    expect([deleted.status, deleted.body.status]).toEqual([200, 'cancelled']);
    expect((await host.request('DELETE', `/v1/connectors/${id}/replays/${cancelled.body.id}`)).status).toBe(409);

    const kept = await replay(id, { from, to });
    expect(kept.status).toBe(202);
    await host.stop();
    host = await start(host.dataDir);
    destination.answerWith();
    const done = await eventually(
      'the replay done after the restart',
      async () => {
        const now = await status(id, kept.body.id);
        return now.status === 'done' && now.delivered === 2 ? now : undefined;
      },
      30_000,
    );
    expect(done.requeued).toBe(2);
    expect(destination.bodiesFor('p1')).toHaveLength(2);
  });

  it('forgets a finished replay with the history it read, never a running one', async () => {
    const { id, sourceId, destination } = await setUp();
    const from = new Date(Date.now() - 1000).toISOString();
    await post(sourceId, ['f1']);
    await settled(id, 1);
    const to = new Date().toISOString();
    const finished = await replay(id, { from, to });
    await eventually('the first replay done', async () => ((await status(id, finished.body.id)).status === 'done' ? true : undefined));
    // A second one stays running: its destination is down and the room it may fill is taken.
    destination.failWith({ code: 'ServiceUnavailable', message: 'down' });
    await post(
      sourceId,
      Array.from({ length: REPLAY_ROOM }, (_, i) => `wait-${i}`),
    );
    const running = await replay(id, { from, to });
    expect(running.status).toBe(202);

    // Today the retention job keeps it; eight days on, it goes.
    const retention = host.app.get(HistoryRetention, { strict: false });
    await retention.purge(Date.now());
    expect((await host.request('GET', `/v1/connectors/${id}/replays/${finished.body.id}`)).status).toBe(200);
    await retention.purge(Date.now() + 8 * 86_400_000);
    expect((await host.request('GET', `/v1/connectors/${id}/replays/${finished.body.id}`)).status).toBe(404);
    expect((await status(id, running.body.id)).status).toBe('running');
    const listed = (await host.request('GET', `/v1/connectors/${id}/replays`)).body.items.map((item: Replay) => item.id);
    expect(listed).toEqual([running.body.id]);
    await host.request('DELETE', `/v1/connectors/${id}/replays/${running.body.id}`);
    destination.answerWith();
  });

  it('refuses a wrong request with 400 naming the field, and what it may not see with 404', async () => {
    const { id } = await setUp();
    const field = async (body: object) => (await host.request('POST', `/v1/connectors/${id}/replays`, body)).body.errors?.[0]?.field;
    expect(await field({ to: new Date().toISOString() })).toBe('from');
    expect(await field({ from: 'yesterday', to: new Date().toISOString() })).toBe('from');
    expect(await field({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' })).toBe('from');
    expect(await field({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', outcomes: ['lost'] })).toBe('outcomes');
    expect((await host.request('GET', `/v1/connectors/${id}/replays/${randomUUID()}`)).status).toBe(404);
    expect((await host.request('GET', `/v1/connectors/${id}/replays?limit=21`)).body.errors).toEqual([
      { field: 'limit', message: 'limit must be at most 20' },
    ]);
    expect((await host.request('GET', `/v1/connectors/${id}/replays`)).body).toEqual({ items: [] });
    expect((await host.request('GET', `/v1/connectors/${randomUUID()}/replays`)).status).toBe(404);
    expect(
      (await host.request('POST', `/v1/connectors/${randomUUID()}/replays`, { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }))
        .status,
    ).toBe(404);
  });
});
