import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterRetention } from '../apps/connector-host/src/delivery/dead-letter-retention.js';
import { IntakeGate } from '../apps/connector-host/src/intake/intake-gate.js';
import { DatabaseService } from '../apps/connector-host/src/store/database.service.js';
import { SqliteDatabase } from '../apps/connector-host/src/store/sqlite/sqlite-database.js';
import { audienceBinding, fakeConnector, profileEvent } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

// Host guarantees that hold whatever the destination: run against the SDK's fake connector, whose scripted
// destinations stand in for an outage or a broken set-up. The same guarantees against real Kinesis and a real
// webhook receiver are in the fault suite (test/faults).

let host: TestHost;

beforeAll(async () => {
  host = await TestHost.withFake({
    env: { MAX_BACKLOG_PER_CONNECTOR: '5', DELIVERY_PAUSE_AFTER_FAILURES: '2', DELIVERY_RETRY_MAX_MS: '50' },
  });
});
afterAll(async () => {
  await host?.stop(true);
});

/** A connector to a fresh scripted destination, bound to a fresh audience. */
async function setUp(on: TestHost = host) {
  const name = `d-${randomUUID().slice(0, 8)}`;
  const connector = (await on.request('POST', '/v1/connectors', fakeConnector(name))).body;
  const binding = (await on.request('POST', '/v1/bindings', audienceBinding(connector.id))).body;
  return { connector, sourceId: binding.source.id as string, destination: on.destinations.get(name) };
}

const GONE = { code: 'DestinationGone', message: 'the destination is gone', scope: 'destination' as const };

const events = (sourceId: string, profileIds: string[]) => ({
  events: profileIds.map((profileId) => profileEvent(sourceId, { profile: { profileId, partnerIds: { '33': ['1'] } } })),
});

async function postWithKey(key: string, body: unknown) {
  const response = await fetch(`${host.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: response.status, replayed: response.headers.get('idempotent-replayed'), body: (await response.json()) as any };
}

/** What the destination took, once `marker` arrived (any duplicate sent before it would have arrived too). */
async function receivedUpTo(destination: { received: { partitionKey: string }[] }, marker: string): Promise<string[]> {
  return eventually(`the marker ${marker}`, async () => {
    const keys = destination.received.map((message) => message.partitionKey);
    return keys.includes(marker) ? keys : undefined;
  });
}

describe('durable delivery', () => {
  it('answers a repeated Idempotency-Key with the first answer and stores nothing new', async () => {
    const { sourceId, destination } = await setUp();
    const key = randomUUID();
    const body = events(sourceId, ['once-a', 'once-b']);
    const first = await postWithKey(key, body);
    const second = await postWithKey(key, body);
    expect(first).toEqual({ status: 202, replayed: null, body: { accepted: 2, routed: 2, skipped: { total: 0 } } });
    expect(second).toEqual({ ...first, replayed: 'true' });
    // A marker after both: once it arrived, any duplicate would have too.
    await host.request('POST', '/v1/events', events(sourceId, ['marker']));
    expect((await receivedUpTo(destination, 'marker')).sort()).toEqual(['marker', 'once-a', 'once-b']);
  });

  it('stores a request once when its repeat arrives while it still waits for its group commit', async () => {
    const { sourceId, destination } = await setUp();
    const key = randomUUID();
    const body = events(sourceId, ['race-a', 'race-b']);
    const answers = await Promise.all([postWithKey(key, body), postWithKey(key, body), postWithKey(key, body)]);
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202]);
    expect(answers.filter((answer) => answer.replayed === 'true')).toHaveLength(2);
    await host.request('POST', '/v1/events', events(sourceId, ['race-marker']));
    expect((await receivedUpTo(destination, 'race-marker')).sort()).toEqual(['race-a', 'race-b', 'race-marker']);
  });

  it('refuses a reused Idempotency-Key with another body (422), and a malformed key (400)', async () => {
    const { sourceId } = await setUp();
    const key = randomUUID();
    expect((await postWithKey(key, events(sourceId, ['a']))).status).toBe(202);
    expect((await postWithKey(key, events(sourceId, ['b']))).status).toBe(422);
    const malformed = await postWithKey('has spaces', events(sourceId, ['c']));
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('Idempotency-Key');
  });

  it("refuses a request that would pass a connector's backlog cap with 429 and Retry-After, storing none of it", async () => {
    // The destination is gone: the messages stay in the backlog (and the connector pauses).
    const { sourceId, destination } = await setUp();
    destination.failWith(GONE, 'rejected');
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

  it("refuses a site's events past its backlog quotas (messages and bytes, over all its connectors) and no other site's", async () => {
    const bounded = await TestHost.withFake({
      env: { SITE_MAX_BACKLOG: '6', SITE_MAX_BACKLOG_BYTES: '4096', MAX_MESSAGE_BYTES: '1024' },
    });
    const onSite = async (siteNumber: number) => {
      const name = `q-${randomUUID().slice(0, 8)}`;
      const connector = (await bounded.request('POST', '/v1/connectors', fakeConnector(name, { siteNumber }))).body;
      const binding = (await bounded.request('POST', '/v1/bindings', audienceBinding(connector.id))).body;
      const destination = bounded.destinations.get(name);
      // Paused with its messages kept: its backlog stays until it is checked again.
      destination.failWith(GONE, 'rejected');
      return { connector, sourceId: binding.source.id as string, destination };
    };
    const post = (siteNumber: number, sourceId: string, profileIds: string[], category = 'x') =>
      bounded.request('POST', '/v1/events', {
        events: profileIds.map((profileId) =>
          profileEvent(sourceId, {
            siteNumber,
            profile: { profileId, partnerIds: { '33': ['1'] }, properties: { last_category: category } },
          }),
        ),
      });
    const backlogBytes = async (connectorId: string) => {
      const line = (await (await fetch(`${bounded.url}/metrics`)).text())
        .split('\n')
        .find((candidate) => candidate.startsWith(`connector_host_backlog_bytes{connector_id="${connectorId}"`));
      return Number(line?.split(' ').pop());
    };
    try {
      // Messages: two connectors of site 1234 share its quota of 6.
      const [one, two] = [await onSite(1234), await onSite(1234)];
      expect((await post(1234, one.sourceId, ['m-1', 'm-2', 'm-3'])).status).toBe(202);
      expect((await post(1234, two.sourceId, ['m-4', 'm-5', 'm-6'])).status).toBe(202);
      const refused = await post(1234, two.sourceId, ['m-7']);
      expect(refused.status).toBe(429);
      expect(refused.body.limit).toEqual({ name: 'SITE_MAX_BACKLOG', max: 6, actual: 7 });
      expect(refused.body.message).toMatch(/^Site 1234 holds 6 undelivered messages .*nothing of it was stored/);
      // Another site is not held by it.
      const other = await onSite(5678);
      other.destination.answerWith();
      expect((await post(5678, other.sourceId, ['o-1'])).status).toBe(202);
      await eventually('the other site delivered', async () => (other.destination.received.length === 1 ? true : undefined));

      // Requests racing for the last room: exactly the quota is taken, whatever their interleaving.
      const racing = await onSite(2468);
      const raced = await Promise.all(Array.from({ length: 10 }, (_, i) => post(2468, racing.sourceId, [`r-${i}`])));
      expect(raced.filter((answer) => answer.status === 202)).toHaveLength(6);
      expect(raced.filter((answer) => answer.status === 429)).toHaveLength(4);
      // A request bigger than the whole quota could never fit: 413, not an endless 429.
      const never = await post(5678, other.sourceId, ['n-1', 'n-2', 'n-3', 'n-4', 'n-5', 'n-6', 'n-7']);
      expect(never.status).toBe(413);
      expect(never.body.limit).toEqual({ name: 'SITE_MAX_BACKLOG', max: 6, actual: 7 });

      // Bytes: site 4321's messages of ~700 bytes reach 4,096 stored bytes before 6 messages.
      const big = await onSite(4321);
      const answers: number[] = [];
      let last: Awaited<ReturnType<typeof post>> | undefined;
      for (let i = 0; i < 6 && last?.status !== 429; i++) {
        last = await post(4321, big.sourceId, [`b-${i}`], 'c'.repeat(600));
        answers.push(last.status);
      }
      expect(answers.slice(0, -1).every((status) => status === 202)).toBe(true);
      expect(answers.length).toBeGreaterThanOrEqual(3);
      expect(last?.status).toBe(429);
      expect(last?.body.limit).toMatchObject({ name: 'SITE_MAX_BACKLOG_BYTES', max: 4096 });
      expect(last?.body.limit.actual).toBeGreaterThan(4096);
      const held = await backlogBytes(big.connector.id);
      expect(held).toBeGreaterThan(600 * (answers.length - 1));
      expect(held).toBeLessThanOrEqual(4096);
      // Delivered, the bytes leave the quota: the site is taken again.
      big.destination.answerWith();
      expect((await bounded.request('POST', `/v1/connectors/${big.connector.id}/check`)).body.ok).toBe(true);
      await eventually('the backlog delivered', async () => (big.destination.received.length === answers.length - 1 ? true : undefined));
      await eventually('its bytes released', async () => ((await backlogBytes(big.connector.id)) === 0 ? true : undefined));
      expect((await post(4321, big.sourceId, ['b-after'], 'c'.repeat(600))).status).toBe(202);
    } finally {
      await bounded.stop(true);
    }
  });

  it('pauses a connector whose destination is gone, keeps its messages, and delivers them after it is back', async () => {
    const { connector, sourceId, destination } = await setUp();
    destination.failWith(GONE, 'rejected');
    expect((await host.request('POST', '/v1/events', events(sourceId, ['kept-1', 'kept-2']))).status).toBe(202);
    const paused = await eventually('the pause', async () => {
      const view = (await host.request('GET', `/v1/connectors/${connector.id}`)).body;
      return view.paused ?? undefined;
    });
    expect(paused.reason).toBe('DestinationGone: the destination is gone');
    expect((await host.request('GET', `/v1/connectors/${connector.id}/dead-letters`)).body.total).toBe(0);

    destination.answerWith();
    const check = await host.request('POST', `/v1/connectors/${connector.id}/check`);
    expect(check.body.ok).toBe(true);
    expect((await host.request('GET', `/v1/connectors/${connector.id}`)).body.paused).toBeNull();
    const received = await eventually('the kept messages', async () =>
      destination.received.length >= 2 ? destination.received : undefined,
    );
    expect(received.map((message) => message.partitionKey).sort()).toEqual(['kept-1', 'kept-2']);
  });

  it('replays thousands of dead letters in batches, every one of them', async () => {
    const roomy = await TestHost.withFake({ env: { DELIVERY_RETRY_MAX_MS: '50' } });
    try {
      const { connector, sourceId, destination } = await setUp(roomy);
      // Refused for themselves: each message becomes a dead letter at once.
      destination.failWith({ code: 'Invalid', message: 'refused' }, 'rejected');
      const profiles = Array.from({ length: 2500 }, (_, i) => `many-${String(i).padStart(4, '0')}`);
      for (let start = 0; start < profiles.length; start += 1000)
        expect((await roomy.request('POST', '/v1/events', events(sourceId, profiles.slice(start, start + 1000)))).status).toBe(202);
      await eventually(
        '2,500 dead letters',
        async () =>
          (await roomy.request('GET', `/v1/connectors/${connector.id}/dead-letters?limit=1`)).body.total === 2500 ? true : undefined,
        30_000,
      );
      destination.answerWith();
      // Three batches of at most 1,000 (a chunk each), each its own transaction.
      expect((await roomy.request('POST', `/v1/connectors/${connector.id}/dead-letters/replay`, {})).body).toEqual({ replayed: 2500 });
      const received = await eventually(
        'every replayed message',
        async () => (destination.received.length >= 2500 ? destination.received : undefined),
        30_000,
      );
      expect(received.map((message) => message.partitionKey).sort()).toEqual(profiles);
      expect((await roomy.request('GET', `/v1/connectors/${connector.id}/dead-letters`)).body.total).toBe(0);
    } finally {
      await roomy.stop(true);
    }
  });

  it("stops at the site's dead-letter quota: the connector pauses with its messages kept; deleting some lets it go on", async () => {
    const bounded = await TestHost.withFake({ env: { SITE_MAX_DEAD_LETTERS: '3', DELIVERY_RETRY_MAX_MS: '50' } });
    try {
      const { connector, sourceId, destination } = await setUp(bounded);
      destination.failWith({ code: 'Invalid', message: 'refused' }, 'rejected');
      const profiles = Array.from({ length: 20 }, (_, i) => `quota-${i}`);
      expect((await bounded.request('POST', '/v1/events', events(sourceId, profiles.slice(0, 5)))).status).toBe(202);
      const paused = await eventually('the connector to pause at the quota', async () => {
        const [health] = (await bounded.request('GET', '/health/connectors')).body.connectors;
        return health.status === 'paused' ? health : undefined;
      });
      expect(paused.pausedReason).toMatch(/^DeadLetterQuota: site 1234 holds 5 dead letters of \d+ bytes \(SITE_MAX_DEAD_LETTERS=3\)/);
      // The round that reached the quota passed it by its own batch (5), never more: what comes next is kept.
      expect((await bounded.request('POST', '/v1/events', events(sourceId, profiles.slice(5)))).status).toBe(202);
      const [kept] = (await bounded.request('GET', '/health/connectors')).body.connectors;
      expect(kept).toMatchObject({ status: 'paused', deadLetters: 5, backlog: 15 });
      const all = (await bounded.request('GET', `/v1/connectors/${connector.id}/dead-letters`)).body;
      const one = await bounded.request('POST', `/v1/connectors/${connector.id}/dead-letters/delete`, { ids: [all.items[0].id] });
      expect(one.body).toEqual({ deleted: 1 });
      expect((await bounded.request('POST', `/v1/connectors/${connector.id}/dead-letters/delete`, { ids: [] })).status).toBe(400);
      expect((await bounded.request('POST', `/v1/connectors/${connector.id}/dead-letters/delete`, {})).body).toEqual({
        deleted: all.total - 1,
      });
      expect((await bounded.request('GET', `/v1/connectors/${connector.id}/dead-letters`)).body.total).toBe(0);
      destination.answerWith();
      expect((await bounded.request('POST', `/v1/connectors/${connector.id}/resume`)).status).toBe(200);
      await eventually('the kept messages delivered', async () => (destination.received.length === 15 ? true : undefined));
    } finally {
      await bounded.stop(true);
    }
  });

  it("stops at the site's dead-letter bytes quota as at its count", async () => {
    const bounded = await TestHost.withFake({ env: { SITE_MAX_DEAD_LETTER_BYTES: '1024', DELIVERY_RETRY_MAX_MS: '50' } });
    try {
      const { sourceId, destination } = await setUp(bounded);
      destination.failWith({ code: 'Invalid', message: 'refused' }, 'rejected');
      // Five messages of ~280 bytes: one round passes the quota of 1,024 bytes, and the connector pauses.
      expect((await bounded.request('POST', '/v1/events', events(sourceId, ['b-1', 'b-2', 'b-3', 'b-4', 'b-5']))).status).toBe(202);
      const paused = await eventually('the connector to pause at the bytes quota', async () => {
        const [health] = (await bounded.request('GET', '/health/connectors')).body.connectors;
        return health.status === 'paused' ? health : undefined;
      });
      expect(paused.pausedReason).toMatch(
        /^DeadLetterQuota: site 1234 holds 5 dead letters of \d+ bytes \(SITE_MAX_DEAD_LETTER_BYTES=1024\)/,
      );
      const [, bytes] = /of (\d+) bytes/.exec(paused.pausedReason)!.map(Number);
      expect(bytes).toBeGreaterThan(1024);
      // What comes next is kept, not dead-lettered.
      expect((await bounded.request('POST', '/v1/events', events(sourceId, ['b-6', 'b-7']))).status).toBe(202);
      const [kept] = (await bounded.request('GET', '/health/connectors')).body.connectors;
      expect(kept).toMatchObject({ status: 'paused', deadLetters: 5, backlog: 2 });
    } finally {
      await bounded.stop(true);
    }
  });

  it('replays all the dead letters there are when asked, not those its own replay makes again (it ends)', async () => {
    const { connector, sourceId, destination } = await setUp();
    destination.failWith({ code: 'Invalid', message: 'refused' }, 'rejected');
    expect((await host.request('POST', '/v1/events', events(sourceId, ['again-1', 'again-2', 'again-3']))).status).toBe(202);
    const deadLetters = async () => (await host.request('GET', `/v1/connectors/${connector.id}/dead-letters`)).body;
    const first = await eventually('three dead letters', async () => ((await deadLetters()).total === 3 ? await deadLetters() : undefined));
    const ids = first.items.map((item: { messageId: string }) => item.messageId);
    expect(ids.every((id: unknown) => typeof id === 'string')).toBe(true);
    // Refused again at once: each replayed message is a new dead letter while the replay still runs, with the id
    // it had (a replay sends a message again, not a new one).
    expect((await host.request('POST', `/v1/connectors/${connector.id}/dead-letters/replay`, {})).body).toEqual({ replayed: 3 });
    const again = await eventually('the three refused again', async () => {
      const page = await deadLetters();
      return page.total === 3 ? page : undefined;
    });
    expect(again.items.map((item: { messageId: string }) => item.messageId)).toEqual(ids);
    expect((await host.request('POST', `/v1/connectors/${connector.id}/dead-letters/delete`, {})).body).toEqual({ deleted: 3 });
  });

  it('deletes dead letters older than DEAD_LETTER_RETENTION_DAYS', async () => {
    const { connector, sourceId, destination } = await setUp();
    destination.failWith({ code: 'Invalid', message: 'refused' }, 'rejected');
    expect((await host.request('POST', '/v1/events', events(sourceId, ['old-1', 'old-2']))).status).toBe(202);
    await eventually('two dead letters', async () =>
      (await host.request('GET', `/v1/connectors/${connector.id}/dead-letters`)).body.total === 2 ? true : undefined,
    );
    const retention = host.app.get(DeadLetterRetention, { strict: false });
    // Not yet: they are minutes old, the retention 14 days.
    await retention.purge();
    expect((await host.request('GET', `/v1/connectors/${connector.id}/dead-letters`)).body.total).toBe(2);
    // Fifteen days on, as the hourly purge would find them.
    expect(await retention.purge(Date.now() + 15 * 86_400_000)).toBeGreaterThanOrEqual(2);
    expect((await host.request('GET', `/v1/connectors/${connector.id}/dead-letters`)).body.total).toBe(0);
  });

  it('dead-letters a message that outlives its maximum age, lists it, and replays it', async () => {
    const shortLived = await TestHost.withFake({
      env: { DELIVERY_MAX_AGE_MS: '1000', DELIVERY_PAUSE_AFTER_FAILURES: '1', DELIVERY_RETRY_MAX_MS: '50' },
    });
    try {
      const { connector, sourceId, destination } = await setUp(shortLived);
      destination.failWith(GONE, 'rejected');
      await shortLived.request('POST', '/v1/events', events(sourceId, ['late-1', 'late-2', 'late-3']));
      const dead = await eventually('three dead letters', async () => {
        const page = (await shortLived.request('GET', `/v1/connectors/${connector.id}/dead-letters?limit=2`)).body;
        return page.total === 3 ? page : undefined;
      });
      expect(dead.items).toHaveLength(2);
      expect(dead.items[0]).toMatchObject({
        partitionKey: 'late-1',
        errorCode: 'MaxAgeExceeded',
        message: { profileId: 'late-1', callType: 'NEW' },
      });
      const rest = (await shortLived.request('GET', `/v1/connectors/${connector.id}/dead-letters?limit=2&after=${dead.nextAfter}`)).body;
      expect(rest.items.map((item: { partitionKey: string }) => item.partitionKey)).toEqual(['late-3']);
      expect(rest.nextAfter).toBeNull();

      destination.answerWith();
      await shortLived.request('POST', `/v1/connectors/${connector.id}/resume`);
      expect(
        (await shortLived.request('POST', `/v1/connectors/${connector.id}/dead-letters/replay`, { ids: [dead.items[1].id] })).body,
      ).toEqual({ replayed: 1 });
      expect((await shortLived.request('POST', `/v1/connectors/${connector.id}/dead-letters/replay`, {})).body).toEqual({ replayed: 2 });
      const received = await eventually('the replayed messages', async () =>
        destination.received.length >= 3 ? destination.received : undefined,
      );
      expect(received.map((message) => message.partitionKey)).toEqual(['late-2', 'late-1', 'late-3']);
      // Each with the id it had: a receiver that saw a message before drops it.
      const idOf = new Map(
        [...dead.items, ...rest.items].map((item: { partitionKey: string; messageId: string }) => [item.partitionKey, item.messageId]),
      );
      expect(received.map((message) => message.id)).toEqual(['late-2', 'late-1', 'late-3'].map((key) => idOf.get(key)));
      expect((await shortLived.request('GET', `/v1/connectors/${connector.id}/dead-letters`)).body.total).toBe(0);
      expect((await shortLived.request('POST', `/v1/connectors/${connector.id}/dead-letters/replay`, { ids: [] })).status).toBe(400);
    } finally {
      await shortLived.stop(true);
    }
  });

  it('answers 503 with Retry-After when the store cannot commit, and stores nothing of the request', async () => {
    const { sourceId, destination } = await setUp();
    const database = host.app.get(DatabaseService);
    // Every write of an outbox row now fails, as on a read-only or broken disk (SQLite), or a refusing server.
    await breakWrites(database, true);
    try {
      const response = await fetch(`${host.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'while-broken' },
        body: JSON.stringify(events(sourceId, ['refused'])),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
    } finally {
      await breakWrites(database, false);
    }
    // The key was not recorded either: the platform's retry is a new, accepted request.
    expect((await postWithKey('while-broken', events(sourceId, ['accepted']))).status).toBe(202);
    const received = await eventually('the retried event', async () =>
      destination.received.length > 0 ? destination.received : undefined,
    );
    expect(received.map((message) => message.partitionKey)).toEqual(['accepted']);
  });

  it('closes intake (503, Retry-After) as soon as shutdown begins', async () => {
    const closing = await TestHost.withFake();
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

/** Makes the store refuse writes (or take them again): SQLite goes query-only; PostgreSQL gets a refusing trigger. */
async function breakWrites(database: DatabaseService, broken: boolean): Promise<void> {
  if (database instanceof SqliteDatabase) {
    database.sqlite.pragma(`query_only = ${broken ? 'ON' : 'OFF'}`);
    return;
  }
  if (broken) {
    await sql`CREATE FUNCTION refuse_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`.execute(
      database.db,
    );
    await sql`CREATE TRIGGER refuse_writes BEFORE INSERT ON outbox_chunks FOR EACH ROW EXECUTE FUNCTION refuse_writes()`.execute(
      database.db,
    );
  } else {
    await sql`DROP TRIGGER refuse_writes ON outbox_chunks`.execute(database.db);
    await sql`DROP FUNCTION refuse_writes()`.execute(database.db);
  }
}
