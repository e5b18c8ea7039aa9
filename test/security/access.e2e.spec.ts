import { randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import { InProcessKinesalite, TEST_SECRET_ACCESS_KEY } from '@event-connectors/kinesis-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, kinesisConnector, profileEvent, REGION } from '../support/fixtures.js';
import { eventually, TestHost } from '../support/test-host.js';

const ADMIN = 'admin-token-0123456789abcdef';
const ADMIN_SITE_7 = 'admin-site-7-token-0123456789';
const INGEST = 'ingest-token-0123456789abcdef';
const INGEST_SITE_7 = 'ingest-site-7-token-012345678';
const METRICS = 'metrics-token-0123456789abcdef';

let kinesis: InProcessKinesalite;
let host: TestHost;

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  await kinesis.createStream('sec-7', 1);
  await kinesis.createStream('sec-8', 1);
  host = await TestHost.start(kinesis.endpoint, {
    env: {
      // One admin token given as its SHA-256 only: configuration need not hold it in clear.
      ADMIN_TOKENS: `sha256:${createHash('sha256').update(ADMIN).digest('hex')},${ADMIN_SITE_7}@7`,
      INGEST_TOKENS: `${INGEST},${INGEST_SITE_7}@7`,
      METRICS_TOKENS: METRICS,
      ADMIN_RATE_LIMIT_PER_MINUTE: '100000',
      AUTH_FAILURES_PER_MINUTE: '1000',
    },
  });
});
afterAll(async () => {
  await host?.stop(true);
  await kinesis?.stop();
});

async function call(
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  to = host,
) {
  const response = await fetch(to.url + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('json');
  return { status: response.status, headers: response.headers, body: text && json ? JSON.parse(text) : text };
}

describe('access control', () => {
  it('answers 401 without a valid token and 403 with the other scope', async () => {
    for (const [method, path] of [
      ['GET', '/v1/connectors'],
      ['GET', '/v1/connector-types'],
      ['POST', '/v1/events'],
      ['GET', '/v1/bindings'],
    ]) {
      const missing = await call(undefined, method, path, method === 'POST' ? { events: [] } : undefined);
      expect(missing.status, `${method} ${path}`).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer');
      expect((await call('wrong-token-0123456789', method, path)).status).toBe(401);
    }
    expect((await call(INGEST, 'GET', '/v1/connectors')).status).toBe(403);
    expect((await call(ADMIN, 'POST', '/v1/events', { events: [profileEvent(randomUUID())] })).status).toBe(403);
    expect((await call(ADMIN, 'GET', '/v1/connectors')).status).toBe(200);
    expect((await call(INGEST, 'POST', '/v1/events', { events: [profileEvent(randomUUID())] })).status).toBe(202);
  });

  it('leaves liveness and readiness open, and shows connectors, the cluster and metrics to tokens that may see them', async () => {
    for (const path of ['/health/live', '/health/ready']) expect((await call(undefined, 'GET', path)).status, path).toBe(200);
    for (const path of ['/health/connectors', '/health/cluster', '/metrics']) {
      expect((await call(undefined, 'GET', path)).status, `${path} without a token`).toBe(401);
      expect((await call(INGEST, 'GET', path)).status, `${path} with an ingest token`).toBe(403);
      expect((await call(ADMIN, 'GET', path)).status, `${path} with an admin token`).toBe(200);
    }
    expect((await call(METRICS, 'GET', '/metrics')).status).toBe(200);
    expect((await call(METRICS, 'GET', '/health/connectors')).status).toBe(403);
    // A site-limited admin token names one tenant: the host-wide views are not for it.
    expect((await call(ADMIN_SITE_7, 'GET', '/metrics')).status).toBe(403);
    expect((await call(ADMIN_SITE_7, 'GET', '/health/cluster')).status).toBe(403);
  });

  it('takes the bearer scheme in any case', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER'])
      expect((await call(undefined, 'GET', '/v1/connectors', undefined, { authorization: `${scheme} ${ADMIN}` })).status, scheme).toBe(200);
    expect((await call(undefined, 'GET', '/v1/connectors', undefined, { authorization: `Basic ${ADMIN}` })).status).toBe(401);
  });

  it('sends security headers', async () => {
    const { headers } = await call(ADMIN, 'GET', '/v1/connectors');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('strict-transport-security')).toMatch(/max-age/);
    expect(headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  });
});

describe('tenant isolation with site-limited tokens', () => {
  it("shows a site-limited token its own site's connectors only in /health/connectors", async () => {
    const seven = (await call(ADMIN_SITE_7, 'POST', '/v1/connectors', kinesisConnector('sec-7', { siteNumber: 7, name: 'seven' }))).body;
    const eight = (await call(ADMIN, 'POST', '/v1/connectors', kinesisConnector('sec-8', { siteNumber: 8, name: 'eight' }))).body;
    const ids = async (token: string) =>
      ((await call(token, 'GET', '/health/connectors')).body.connectors as { id: string; siteNumber: number }[]).map((c) => c.id);
    expect(await ids(ADMIN)).toEqual(expect.arrayContaining([seven.id, eight.id]));
    const seen = (await call(ADMIN_SITE_7, 'GET', '/health/connectors')).body.connectors as { id: string; siteNumber: number }[];
    expect(seen.map((c) => c.id)).toContain(seven.id);
    expect(seen.every((c) => c.siteNumber === 7)).toBe(true);
    const ready = await call(undefined, 'GET', '/health/ready');
    expect(JSON.stringify(ready.body)).not.toMatch(new RegExp(`${seven.id}|${eight.id}`));
    for (const id of [seven.id, eight.id]) expect((await call(ADMIN, 'DELETE', `/v1/connectors/${id}`)).status).toBe(204);
  });

  it('keeps each site to its own connectors, bindings, dead letters, message history, replays and events', async () => {
    const own = await call(ADMIN_SITE_7, 'POST', '/v1/connectors', kinesisConnector('sec-7', { siteNumber: 7 }));
    expect(own.status).toBe(201);
    expect((await call(ADMIN_SITE_7, 'POST', '/v1/connectors', kinesisConnector('sec-8', { siteNumber: 8 }))).status).toBe(403);
    const other = await call(ADMIN, 'POST', '/v1/connectors', kinesisConnector('sec-8', { siteNumber: 8 }));
    expect(other.status).toBe(201);

    // Another site's objects do not exist for a site-limited token.
    const range = { from: new Date(Date.now() - 60_000).toISOString(), to: new Date().toISOString() };
    const otherReplay = await call(ADMIN, 'POST', `/v1/connectors/${other.body.id}/replays`, range);
    expect(otherReplay.status).toBe(202);
    expect((await call(ADMIN_SITE_7, 'GET', '/v1/connectors')).body.map((c: { id: string }) => c.id)).toEqual([own.body.id]);
    expect((await call(ADMIN_SITE_7, 'GET', '/v1/connectors?siteNumber=8')).body).toEqual([]);
    for (const [method, path, body] of [
      ['GET', `/v1/connectors/${other.body.id}`],
      ['PATCH', `/v1/connectors/${other.body.id}`, { name: 'taken over' }],
      ['DELETE', `/v1/connectors/${other.body.id}`],
      ['POST', `/v1/connectors/${other.body.id}/check`],
      ['GET', `/v1/connectors/${other.body.id}/dead-letters`],
      ['POST', `/v1/connectors/${other.body.id}/dead-letters/replay`, {}],
      ['POST', `/v1/connectors/${other.body.id}/resume`],
      ['GET', `/v1/connectors/${other.body.id}/messages`],
      ['POST', `/v1/connectors/${other.body.id}/replays`, range],
      ['GET', `/v1/connectors/${other.body.id}/replays/${otherReplay.body.id}`],
      ['DELETE', `/v1/connectors/${other.body.id}/replays/${otherReplay.body.id}`],
    ] as [string, string, unknown?][]) {
      expect((await call(ADMIN_SITE_7, method, path, body)).status, `${method} ${path}`).toBe(404);
    }
    expect((await call(ADMIN, 'GET', `/v1/connectors/${other.body.id}`)).body.name).toBe('Customer stream');
    expect((await call(ADMIN_SITE_7, 'POST', '/v1/bindings', audienceBinding(other.body.id))).status).toBe(400);
    const otherBinding = await call(ADMIN, 'POST', '/v1/bindings', audienceBinding(other.body.id));
    expect((await call(ADMIN_SITE_7, 'GET', `/v1/bindings/${otherBinding.body.id}`)).status).toBe(404);
    expect((await call(ADMIN_SITE_7, 'DELETE', `/v1/bindings/${otherBinding.body.id}`)).status).toBe(404);
    expect((await call(ADMIN_SITE_7, 'GET', '/v1/bindings')).body).toEqual([]);
    expect((await call(ADMIN_SITE_7, 'GET', `/v1/deliveries?connectorId=${other.body.id}`)).status).toBe(404);
    expect((await call(ADMIN_SITE_7, 'POST', '/v1/admin/rotate-secrets')).status).toBe(403);

    // A site-limited ingest token posts its own site's events only.
    const ownBinding = await call(ADMIN_SITE_7, 'POST', '/v1/bindings', audienceBinding(own.body.id));
    const refused = await call(INGEST_SITE_7, 'POST', '/v1/events', {
      events: [profileEvent(ownBinding.body.source.id, { siteNumber: 7 }), profileEvent(otherBinding.body.source.id, { siteNumber: 8 })],
    });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].field).toBe('events[1].siteNumber');
    const accepted = await call(INGEST_SITE_7, 'POST', '/v1/events', {
      events: [profileEvent(ownBinding.body.source.id, { siteNumber: 7 })],
    });
    expect(accepted.body).toMatchObject({ accepted: 1, routed: 1 });
    await eventually('the site-7 record', async () => ((await kinesis.readAll('sec-7')).length === 1 ? true : undefined));
    expect(await kinesis.readAll('sec-8')).toEqual([]);
  });
});

describe('secrets', () => {
  it('requires the secret again when the access key id changes, but not for region or stream', async () => {
    const created = (await call(ADMIN, 'POST', '/v1/connectors', kinesisConnector('sec-7'))).body;
    expect(
      (await call(ADMIN, 'PATCH', `/v1/connectors/${created.id}`, { settings: { streamName: 'sec-8', region: 'eu-central-1' } })).status,
    ).toBe(200);
    const refused = await call(ADMIN, 'PATCH', `/v1/connectors/${created.id}`, { settings: { accessKeyId: 'AKIAI44QH8DHBEXAMPLE' } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { field: 'settings.secretAccessKey', message: 'settings.secretAccessKey must be given again when accessKeyId changes' },
    ]);
    const withSecret = await call(ADMIN, 'PATCH', `/v1/connectors/${created.id}`, {
      settings: { accessKeyId: 'AKIAI44QH8DHBEXAMPLE', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY' },
    });
    expect(withSecret.status).toBe(200);
    expect(JSON.stringify(withSecret.body)).not.toContain('je7MtGbClwBF');
    // Sending the same access key id again is not a change.
    expect((await call(ADMIN, 'PATCH', `/v1/connectors/${created.id}`, { settings: { accessKeyId: 'AKIAI44QH8DHBEXAMPLE' } })).status).toBe(
      200,
    );
  });

  it('re-encrypts stored secrets on rotation (nothing to do when all are under the current key)', async () => {
    const result = await call(ADMIN, 'POST', '/v1/admin/rotate-secrets');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ resealed: 0, keyId: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(result.body.total).toBeGreaterThan(0);
    expect(JSON.stringify(result.body)).not.toContain(TEST_SECRET_ACCESS_KEY);
  });
});

describe('rate limiting of admin routes', () => {
  it('counts each token on its own, so one client past its limit does not stop another from the same address', async () => {
    const second = 'admin-token-second-0123456789';
    const limited = await TestHost.start(kinesis.endpoint, {
      env: { ADMIN_TOKENS: `${ADMIN},${second}`, ADMIN_RATE_LIMIT_PER_MINUTE: '3' },
    });
    try {
      const statuses = async (token: string) => {
        const seen: number[] = [];
        for (let i = 0; i < 4; i++) seen.push((await call(token, 'GET', '/v1/connectors', undefined, {}, limited)).status);
        return seen;
      };
      expect(await statuses(ADMIN)).toEqual([200, 200, 200, 429]);
      expect(await statuses(second)).toEqual([200, 200, 200, 429]);
    } finally {
      await limited.stop(true);
    }
  });

  it('answers 429 to an address that keeps failing authentication, while valid tokens from it still pass', async () => {
    const limited = await TestHost.start(kinesis.endpoint, {
      env: { ADMIN_TOKENS: ADMIN, INGEST_TOKENS: INGEST, AUTH_FAILURES_PER_MINUTE: '3' },
    });
    try {
      for (let i = 0; i < 3; i++)
        expect((await call(`guess-${i}-0123456789abcdef`, 'GET', '/v1/connectors', undefined, {}, limited)).status).toBe(401);
      const blocked = await call('guess-3-0123456789abcdef', 'GET', '/v1/connectors', undefined, {}, limited);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(blocked.body.message).toContain('AUTH_FAILURES_PER_MINUTE=3');
      // A body sent without a valid token is refused before it is read into memory, and counts too.
      const body = { events: [profileEvent(randomUUID())] };
      expect((await call('guess-4-0123456789abcdef', 'POST', '/v1/events', body, {}, limited)).status).toBe(429);
      // The platform behind the same address (a proxy, a NAT) is not locked out by the guesser.
      expect((await call(ADMIN, 'GET', '/v1/connectors', undefined, {}, limited)).status).toBe(200);
      expect((await call(INGEST, 'POST', '/v1/events', body, {}, limited)).status).toBe(202);
    } finally {
      await limited.stop(true);
    }
  });

  it('refuses a body without a valid token (401) before reading it', async () => {
    const response = await call('not-a-token-0123456789abcdef', 'POST', '/v1/events', { events: [profileEvent(randomUUID())] });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body).toMatchObject({ statusCode: 401, errors: [] });
  });

  it('answers 429 past the limit, and never limits event intake', async () => {
    const limited = await TestHost.start(kinesis.endpoint, { env: { ADMIN_RATE_LIMIT_PER_MINUTE: '5' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await limited.request('GET', '/v1/connectors')).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(5)).toEqual([429, 429, 429]);
      for (let i = 0; i < 10; i++)
        expect((await limited.request('POST', '/v1/events', { events: [profileEvent(randomUUID())] })).status).toBe(202);
    } finally {
      await limited.stop(true);
    }
  });
});

describe('a host without tokens', () => {
  it('serves requests from this machine that name it, and refuses a Host header naming another (DNS rebinding)', async () => {
    const open = await TestHost.start(kinesis.endpoint);
    try {
      expect((await call(undefined, 'GET', '/v1/connectors', undefined, {}, open)).status).toBe(200);
      const port = new URL(open.url).port;
      expect((await rawRequest(open.url, '/v1/connectors', 'GET', `localhost:${port}`)).status).toBe(200);
      const rebound = await rawRequest(open.url, '/v1/connectors', 'POST', `attacker.example:${port}`, kinesisConnector('sec-7'));
      expect(rebound.status).toBe(403);
      expect((await call(undefined, 'GET', '/v1/connectors', undefined, {}, open)).body).toEqual([]);
    } finally {
      await open.stop(true);
    }
  });
});

/** fetch() sets Host itself; node:http sends the one given, as a browser fooled by DNS rebinding would. */
async function rawRequest(base: string, path: string, method: string, hostHeader: string, body?: unknown) {
  const { request } = await import('node:http');
  const url = new URL(path, base);
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<{ status: number }>((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method, headers: { host: hostHeader, 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', reject);
    if (text === undefined) req.end();
    else req.end(text);
  });
}
