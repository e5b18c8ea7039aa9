import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, fakeConnector, profileEvent } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

// What one request may cost the host, checked before it is paid: messages and bytes it routes, the size of one
// message, and the memory its body and its messages hold while it is taken in. Each refusal is a 4xx naming its
// bound, and nothing of a refused request is stored.

const INGEST = 'bounds-ingest-token-0123456789';
const OTHER = 'bounds-other-ingest-token-0123';
const ADMIN = 'bounds-admin-token-0123456789ab';

let host: TestHost;
let connectorId: string;
let sourceId: string;

/** Ten properties of `chars` characters each, and a binding that maps all ten. */
const tenProperties = (chars: number) => Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, String(i).repeat(chars)]));
const tenVariables = Array.from({ length: 10 }, (_, i) => ({ name: `v${i}`, property: `p${i}` }));
const partnerIds = (count: number) => Array.from({ length: count }, (_, i) => `partner-${i}`);

async function post(path: string, body: unknown, token = INGEST) {
  const response = await fetch(host.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

async function admin(method: string, path: string, body?: unknown) {
  const response = await fetch(host.url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** What the connector holds: backlog, stats of the day (routed or refused, nothing may have been stored). */
async function stored() {
  const [health] = (await admin('GET', '/health/connectors')).body.connectors;
  const deliveries = (await admin('GET', `/v1/deliveries?connectorId=${connectorId}`)).body.items;
  return { backlog: health.backlog, deliveries: deliveries.length };
}

beforeAll(async () => {
  host = await TestHost.withFake({
    env: {
      INGEST_TOKENS: `${INGEST},${OTHER}`,
      ADMIN_TOKENS: ADMIN,
      // A small in-flight budget, so two requests can fill it: one client's share is one request of the largest size.
      INTAKE_MAX_BODY_BYTES_IN_FLIGHT: String(8 * 1024 * 1024),
      ADMIN_RATE_LIMIT_PER_MINUTE: '100000',
    },
  });
  // The destination refuses nothing but never answers quickly enough to matter: what is stored stays visible.
  host.destinations.get('bounds').failWith({ code: 'Unavailable', message: 'down for the test' });
  connectorId = (await admin('POST', '/v1/connectors', fakeConnector('bounds'))).body.id;
  sourceId = (await admin('POST', '/v1/bindings', audienceBinding(connectorId, { profileVariables: tenVariables }))).body.source.id;
});
afterAll(async () => {
  await host?.stop(true);
});

describe('what one request may route', () => {
  it("refuses the issue's 4.6 MB amplifying request (70 events x 100 partner ids x 10 mapped 6.5 KB properties) with 413, storing nothing", async () => {
    const events = Array.from({ length: 70 }, (_, i) =>
      profileEvent(sourceId, {
        profile: { profileId: `amp-${i}`, partnerIds: { '33': partnerIds(100) }, properties: tenProperties(6_500) },
      }),
    );
    const body = JSON.stringify({ events });
    expect(body.length).toBeGreaterThan(4_500_000);
    const refused = await post('/v1/events', body);
    expect(refused.status).toBe(413);
    expect(refused.body.limit).toMatchObject({ name: 'MAX_ROUTED_BYTES_PER_REQUEST', max: 16 * 1024 * 1024 });
    expect(refused.body.limit.actual).toBeGreaterThan(16 * 1024 * 1024);
    expect(refused.body.errors).toEqual([{ field: 'events', message: expect.stringContaining('more than') }]);
    expect(await stored()).toEqual({ backlog: 0, deliveries: 0 });
  });

  it('refuses more messages than MAX_MESSAGES_PER_REQUEST, counted from events x bindings x partner ids', async () => {
    const events = Array.from({ length: 101 }, (_, i) =>
      profileEvent(sourceId, { profile: { profileId: `many-${i}`, partnerIds: { '33': partnerIds(100) }, properties: {} } }),
    );
    const refused = await post('/v1/events', { events });
    expect(refused.status).toBe(413);
    expect(refused.body.limit).toEqual({ name: 'MAX_MESSAGES_PER_REQUEST', max: 10_000, actual: 10_100 });
    expect(await stored()).toEqual({ backlog: 0, deliveries: 0 });
  });

  it('refuses an event whose message would pass MAX_MESSAGE_BYTES, naming the event', async () => {
    const fine = profileEvent(sourceId, { profile: { profileId: 'fine', partnerIds: { '33': ['1'] }, properties: {} } });
    // Ten properties of 65,536 two-byte characters: 1.3 MB of UTF-8 in one message.
    const properties = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, 'é'.repeat(65_536)]));
    const large = profileEvent(sourceId, { profile: { profileId: 'large', partnerIds: { '33': ['1'] }, properties } });
    const refused = await post('/v1/events', { events: [fine, large] });
    expect(refused.status).toBe(413);
    expect(refused.body.limit).toMatchObject({ name: 'MAX_MESSAGE_BYTES', max: 1024 * 1024 });
    expect(refused.body.errors).toEqual([{ field: 'events[1]', message: expect.stringContaining(connectorId) }]);
    expect(await stored()).toEqual({ backlog: 0, deliveries: 0 });
  });

  it('takes a request within every bound, and counts what it routed exactly', async () => {
    const events = Array.from({ length: 20 }, (_, i) =>
      profileEvent(sourceId, { profile: { profileId: `ok-${i}`, partnerIds: { '33': partnerIds(5) }, properties: tenProperties(1000) } }),
    );
    const accepted = await post('/v1/events', { events });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ accepted: 20, routed: 100 });
    expect((await stored()).backlog).toBe(100);
  });
});

describe('what requests being taken in may hold', () => {
  /** Starts a POST whose body is announced but not sent: its length stays reserved until the socket closes. */
  function hangingUpload(token: string, length: number) {
    const url = new URL('/v1/events', host.url);
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(length), authorization: `Bearer ${token}` },
    });
    req.on('error', () => undefined);
    req.write('{');
    return req;
  }

  it("answers a client over its share 429 and everyone 503 when the host's budget is full, before reading the body", async () => {
    // Events of a source nothing is bound to: a request that gets through stores nothing.
    const unbound = (length: number) => JSON.stringify({ events: [profileEvent(randomUUID())] }).padEnd(length, ' ');
    const held = hangingUpload(INGEST, 4 * 1024 * 1024);
    try {
      // Once the host has taken the hanging upload in, its 4 MiB are reserved: 1.5 MB more is past this client's 5 MiB.
      const own = await eventually('the hanging upload to be reserved', async () => {
        const answer = await post('/v1/events', unbound(1_500_000));
        return answer.status === 429 ? answer : undefined;
      });
      expect(own.body.limit).toMatchObject({ name: 'INTAKE_MAX_BODY_BYTES_IN_FLIGHT', max: 5 * 1024 * 1024 });
      expect(own.body.message).toContain("a client's share");
      expect(Number(own.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another client: within its own share, but the host's 8 MiB would be passed.
      const other = await post('/v1/events', unbound(4_300_000), OTHER);
      expect(other.status).toBe(503);
      expect(other.body.retryAfterSeconds).toBe(1);
      // A small request of the other client still fits.
      expect((await post('/v1/events', unbound(1000), OTHER)).status).toBe(202);
    } finally {
      held.destroy();
    }
    // The hanging upload's bytes are free again once its connection is gone.
    await eventually('the reservation to be released', async () =>
      (await post('/v1/events', unbound(1_500_000))).status === 202 ? true : undefined,
    );
  });
});
