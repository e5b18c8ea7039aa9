import { FakeDestinations } from '@event-connectors/connector-sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSessions } from '../apps/connector-host/src/sessions/console-sessions.js';
import { audienceBinding, fakeConnector } from './support/fixtures.js';
import { TestHost } from './support/test-host.js';

// Console sessions against the real host: what a session opens (its site's admin API, nothing else), what it never
// sees (another site's set-ups, even by id), and what an expired or forged one is told. Hosts with configured tokens,
// and one without (loopback), where a session still keeps to its site.

const ADMIN = 'console-admin-token-0123456789';
const ADMIN_SITE_7 = 'console-site-7-admin-token-0123';
const INGEST = 'console-ingest-token-0123456789';
const METRICS = 'console-metrics-token-012345678';
const destinations = new FakeDestinations();
let host: TestHost;
let open: TestHost;

beforeAll(async () => {
  host = await TestHost.withFake({
    destinations,
    env: { ADMIN_TOKENS: `${ADMIN},${ADMIN_SITE_7}@7`, INGEST_TOKENS: INGEST, METRICS_TOKENS: METRICS },
  });
  open = await TestHost.withFake({ destinations });
});
afterAll(async () => {
  await host?.stop(true);
  await open?.stop(true);
});

async function call(to: TestHost, token: string | undefined, method: string, path: string, body?: unknown) {
  const response = await fetch(to.url + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}

async function sessionOf(to: TestHost, siteNumber: number, token = ADMIN): Promise<string> {
  const opened = await call(to, token, 'POST', '/v1/console-sessions', { siteNumber });
  expect(opened.status).toBe(201);
  return opened.body.token;
}

async function connectorOf(to: TestHost, siteNumber: number, name: string): Promise<string> {
  const created = await call(to, to === host ? ADMIN : undefined, 'POST', '/v1/connectors', fakeConnector(name, { siteNumber }));
  expect(created.status).toBe(201);
  return created.body.id;
}

describe('console sessions', () => {
  it("open their site's admin API only: its set-ups, never another site's, not even by id", async () => {
    const mine = await connectorOf(host, 7, 'session-7');
    const theirs = await connectorOf(host, 8, 'session-8');
    const session = await sessionOf(host, 7);
    const listed = await call(host, session, 'GET', '/v1/connectors');
    expect(listed.body.map((row: { id: string }) => row.id)).toEqual([mine]);
    expect((await call(host, session, 'GET', `/v1/connectors/${mine}`)).status).toBe(200);
    for (const path of [`/v1/connectors/${theirs}`, `/v1/connectors/${theirs}/messages`, `/v1/connectors/${theirs}/dead-letters`])
      expect((await call(host, session, 'GET', path)).status, path).toBe(404);
    expect((await call(host, session, 'DELETE', `/v1/connectors/${theirs}`)).status).toBe(404);
    expect((await call(host, session, 'POST', '/v1/connectors', fakeConnector('session-elsewhere', { siteNumber: 8 }))).status).toBe(403);
    expect((await call(host, session, 'POST', '/v1/bindings', audienceBinding(mine))).status).toBe(201);
    // Intake and metrics are not the console's: 403, naming why.
    const events = await call(host, session, 'POST', '/v1/events', { events: [] });
    expect(events.status).toBe(403);
    expect(events.body.message).toContain('a console session opens the admin API of its site only');
    expect((await call(host, session, 'GET', '/metrics')).status).toBe(403);
    // Nor does it make another session, for its site or any.
    expect((await call(host, session, 'POST', '/v1/console-sessions', { siteNumber: 7 })).status).toBe(403);
    // A site-limited admin token opens sessions of its site only.
    expect((await call(host, ADMIN_SITE_7, 'POST', '/v1/console-sessions', { siteNumber: 8 })).status).toBe(403);
    await sessionOf(host, 7, ADMIN_SITE_7);
  });

  it('says an expired session expired, and refuses a forged one like any bad token', async () => {
    const expired = await host.app.get(ConsoleSessions, { strict: false }).issue(7, 60, Date.now() - 120_000);
    const answer = await call(host, expired.token, 'GET', '/v1/connectors');
    expect(answer.status).toBe(401);
    expect(answer.body.message).toBe(
      `This console session expired at ${expired.expiresAt.toISOString()}: open the console again from the platform`,
    );
    expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    // With a body too (refused before the body is read): the same answer.
    const withBody = await call(host, expired.token, 'POST', '/v1/connectors', fakeConnector('too-late', { siteNumber: 7 }));
    expect(withBody.status).toBe(401);
    expect(withBody.body.message).toBe(answer.body.message);
    // Signed by another host's key (another SECRETS_KEY): no session here.
    const elsewhere = await sessionOf(open, 7);
    const forged = await call(host, elsewhere, 'GET', '/v1/connectors');
    expect(forged.status).toBe(401);
    expect(forged.body.message).toBe('A valid bearer token is required (Authorization: Bearer <token>)');
  });

  it('keep to their site on a host without tokens too (loopback), where requests without one see every site', async () => {
    const seven = await connectorOf(open, 7, 'open-7');
    const eight = await connectorOf(open, 8, 'open-8');
    const session = await sessionOf(open, 7);
    expect((await call(open, session, 'GET', '/v1/connectors')).body.map((row: { id: string }) => row.id)).toEqual([seven]);
    expect((await call(open, session, 'GET', `/v1/connectors/${eight}`)).status).toBe(404);
    expect((await call(open, undefined, 'GET', '/v1/connectors')).body.map((row: { id: string }) => row.id)).toEqual(
      expect.arrayContaining([seven, eight]),
    );
    // A session this host did not sign is refused here too, never taken for loopback's access to every site.
    const forged = await sessionOf(host, 7);
    expect((await call(open, forged, 'GET', '/v1/connectors')).status).toBe(401);
    expect((await call(open, forged, 'POST', '/v1/connectors', fakeConnector('forged', { siteNumber: 7 }))).status).toBe(401);
  });
});
