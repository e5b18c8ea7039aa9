import { randomUUID } from 'node:crypto';
import { DeleteStreamCommand } from '@aws-sdk/client-kinesis';
import { InProcessKinesalite } from '@event-connectors/kinesis-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseService } from '../apps/connector-host/src/store/database.service.js';
import { IntakeGate } from '../apps/connector-host/src/intake/intake-gate.js';
import { audienceBinding, kinesisConnector, profileEvent, REGION } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

let kinesis: InProcessKinesalite;
let host: TestHost;

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  host = await TestHost.start(kinesis.endpoint, {
    env: { MAX_BACKLOG_PER_CONNECTOR: '5', DELIVERY_PAUSE_AFTER_FAILURES: '2', DELIVERY_RETRY_MAX_MS: '50' },
  });
});
afterAll(async () => {
  await host?.stop(true);
  await kinesis?.stop();
});

async function setUp(stream: string, create = true) {
  if (create) await kinesis.createStream(stream, 1);
  const connector = (await host.request('POST', '/v1/connectors', kinesisConnector(stream))).body;
  const binding = (await host.request('POST', '/v1/bindings', audienceBinding(connector.id))).body;
  return { connector, sourceId: binding.source.id as string };
}

const events = (sourceId: string, profileIds: string[]) => ({
  events: profileIds.map((profileId) => profileEvent(sourceId, { profile: { profileId, partnerIds: { '33': ['1'] } } })),
});

async function postWithKey(key: string, body: unknown) {
  const response = await fetch(`${host.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: response.status, replayed: response.headers.get("idempotent-replayed"), body: (await response.json()) as any };
}

describe('durable delivery', () => {
  it('answers a repeated Idempotency-Key with the first answer and stores nothing new', async () => {
    const stream = `idem-${randomUUID().slice(0, 8)}`;
    const { sourceId } = await setUp(stream);
    const key = randomUUID();
    const body = events(sourceId, ['once-a', 'once-b']);
    const first = await postWithKey(key, body);
    const second = await postWithKey(key, body);
    expect(first).toEqual({ status: 202, replayed: null, body: { accepted: 2, routed: 2, skipped: { total: 0 } } });
    expect(second).toEqual({ ...first, replayed: 'true' });
    // A marker after both: once it arrived, any duplicate would have too.
    await host.request('POST', '/v1/events', events(sourceId, ['marker']));
    const records = await eventually('the marker', async () => {
      const all = await kinesis.readAll(stream);
      return all.some((record) => record.partitionKey === 'marker') ? all : undefined;
    });
    expect(records.map((record) => record.partitionKey).sort()).toEqual(['marker', 'once-a', 'once-b']);
  });

  it('stores a request once when its repeat arrives while it still waits for its group commit', async () => {
    const stream = `idem-race-${randomUUID().slice(0, 8)}`;
    const { sourceId } = await setUp(stream);
    const key = randomUUID();
    const body = events(sourceId, ['race-a', 'race-b']);
    const answers = await Promise.all([postWithKey(key, body), postWithKey(key, body), postWithKey(key, body)]);
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202]);
    expect(answers.filter((answer) => answer.replayed === 'true')).toHaveLength(2);
    await host.request('POST', '/v1/events', events(sourceId, ['race-marker']));
    const records = await eventually('the marker', async () => {
      const all = await kinesis.readAll(stream);
      return all.some((record) => record.partitionKey === 'race-marker') ? all : undefined;
    });
    expect(records.map((record) => record.partitionKey).sort()).toEqual(['race-a', 'race-b', 'race-marker']);
  });

  it('refuses a reused Idempotency-Key with another body (422), and a malformed key (400)', async () => {
    const { sourceId } = await setUp(`idem2-${randomUUID().slice(0, 8)}`);
    const key = randomUUID();
    expect((await postWithKey(key, events(sourceId, ['a']))).status).toBe(202);
    expect((await postWithKey(key, events(sourceId, ['b']))).status).toBe(422);
    const malformed = await postWithKey('has spaces', events(sourceId, ['c']));
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('Idempotency-Key');
  });

  it('refuses a request that would pass a connector\'s backlog cap with 429 and Retry-After, storing none of it', async () => {
    // The stream does not exist: the messages stay in the backlog (and the connector pauses).
    const { sourceId } = await setUp(`cap-${randomUUID().slice(0, 8)}`, false);
    expect((await host.request('POST', '/v1/events', events(sourceId, ['1', '2', '3']))).status).toBe(202);
    const response = await fetch(`${host.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events(sourceId, ['4', '5', '6'])),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(((await response.json()) as { message: string }).message).toMatch(/nothing of this request was stored/);
  });

  it('pauses a connector whose stream is gone, keeps its messages, and delivers them after the stream is back', async () => {
    const stream = `paused-${randomUUID().slice(0, 8)}`;
    const { connector, sourceId } = await setUp(stream);
    await kinesis.client.send(new DeleteStreamCommand({ StreamName: stream }));
    expect((await host.request('POST', '/v1/events', events(sourceId, ['kept-1', 'kept-2']))).status).toBe(202);
    const paused = await eventually('the pause', async () => {
      const view = (await host.request('GET', `/v1/connectors/${connector.id}`)).body;
      return view.paused ?? undefined;
    });
    expect(paused.reason).toMatch(/^ResourceNotFoundException/);
    expect((await host.request('GET', `/v1/connectors/${connector.id}/dead-letters`)).body.total).toBe(0);

    await kinesis.createStream(stream, 1);
    const check = await host.request('POST', `/v1/connectors/${connector.id}/check`);
    expect(check.body.ok).toBe(true);
    expect((await host.request('GET', `/v1/connectors/${connector.id}`)).body.paused).toBeNull();
    const records = await eventually('the kept messages', async () => {
      const all = await kinesis.readAll(stream);
      return all.length >= 2 ? all : undefined;
    });
    expect(records.map((record) => record.partitionKey).sort()).toEqual(['kept-1', 'kept-2']);
  });

  it('dead-letters a message that outlives its maximum age, lists it, and replays it', async () => {
    const shortLived = await TestHost.start(kinesis.endpoint, {
      env: { DELIVERY_MAX_AGE_MS: '1000', DELIVERY_PAUSE_AFTER_FAILURES: '1', DELIVERY_RETRY_MAX_MS: '50' },
    });
    try {
      const stream = `dead-${randomUUID().slice(0, 8)}`;
      const connector = (await shortLived.request('POST', '/v1/connectors', kinesisConnector(stream))).body;
      const sourceId = (await shortLived.request('POST', '/v1/bindings', audienceBinding(connector.id))).body.source.id;
      await shortLived.request('POST', '/v1/events', events(sourceId, ['late-1', 'late-2', 'late-3']));
      const dead = await eventually('three dead letters', async () => {
        const page = (await shortLived.request('GET', `/v1/connectors/${connector.id}/dead-letters?limit=2`)).body;
        return page.total === 3 ? page : undefined;
      });
      expect(dead.items).toHaveLength(2);
      expect(dead.items[0]).toMatchObject({ partitionKey: 'late-1', errorCode: 'MaxAgeExceeded', message: { profileId: 'late-1', callType: 'NEW' } });
      const rest = (await shortLived.request('GET', `/v1/connectors/${connector.id}/dead-letters?limit=2&after=${dead.nextAfter}`)).body;
      expect(rest.items.map((item: { partitionKey: string }) => item.partitionKey)).toEqual(['late-3']);
      expect(rest.nextAfter).toBeNull();

      await kinesis.createStream(stream, 1);
      await shortLived.request('POST', `/v1/connectors/${connector.id}/resume`);
      expect((await shortLived.request('POST', `/v1/connectors/${connector.id}/dead-letters/replay`, { ids: [dead.items[1].id] })).body).toEqual({ replayed: 1 });
      expect((await shortLived.request('POST', `/v1/connectors/${connector.id}/dead-letters/replay`, {})).body).toEqual({ replayed: 2 });
      const records = await eventually('the replayed messages', async () => {
        const all = await kinesis.readAll(stream);
        return all.length >= 3 ? all : undefined;
      });
      expect(records.map((record) => record.partitionKey)).toEqual(['late-2', 'late-1', 'late-3']);
      expect((await shortLived.request('GET', `/v1/connectors/${connector.id}/dead-letters`)).body.total).toBe(0);
      expect((await shortLived.request('POST', `/v1/connectors/${connector.id}/dead-letters/replay`, { ids: [] })).status).toBe(400);
    } finally {
      await shortLived.stop(true);
    }
  });

  it('answers 503 with Retry-After when the store cannot commit, and stores nothing of the request', async () => {
    const stream = `readonly-${randomUUID().slice(0, 8)}`;
    const { sourceId } = await setUp(stream);
    const { sqlite } = host.app.get(DatabaseService);
    sqlite.pragma('query_only = ON'); // every write now fails as on a read-only or broken disk
    try {
      const response = await fetch(`${host.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'while-broken' },
        body: JSON.stringify(events(sourceId, ['refused'])),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
    } finally {
      sqlite.pragma('query_only = OFF');
    }
    // The key was not recorded either: the platform's retry is a new, accepted request.
    expect((await postWithKey('while-broken', events(sourceId, ['accepted']))).status).toBe(202);
    const records = await eventually('the retried event', async () => {
      const all = await kinesis.readAll(stream);
      return all.length > 0 ? all : undefined;
    });
    expect(records.map((record) => record.partitionKey)).toEqual(['accepted']);
  });

  it('closes intake (503, Retry-After) as soon as shutdown begins', async () => {
    const closing = await TestHost.start(kinesis.endpoint);
    const sourceId = randomUUID();
    // What app.close() (SIGTERM) calls first.
    closing.app.get(IntakeGate, { strict: false }).onModuleDestroy();
    const response = await fetch(`${closing.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events(sourceId, ['late'])),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    await closing.stop(true);
  });
});
