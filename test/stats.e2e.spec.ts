import { randomUUID } from 'node:crypto';
import { generateSigningSecret } from '@event-connectors/webhook-connector';
import { WebhookReceiver } from '@event-connectors/webhook-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, profileEvent, webhookConnector } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

// The traffic statistics through the API: the real host delivering to a real webhook receiver on loopback,
// counted in the store, read back per UTC day, across a restart on the same store.

const SECRET = generateSigningSecret();
const ADMIN = 'stats-admin-token-0123456789';
const ADMIN_SITE_7 = 'stats-site-7-token-0123456789';
const INGEST = 'stats-ingest-token-0123456789';
const ENV = {
  CONNECTORS: 'webhook',
  ADMIN_TOKENS: `${ADMIN},${ADMIN_SITE_7}@7`,
  INGEST_TOKENS: INGEST,
  ADMIN_RATE_LIMIT_PER_MINUTE: '100000',
  DELIVERY_RETRY_MAX_MS: '100',
};
let receiver: WebhookReceiver;
let host: TestHost;

beforeAll(async () => {
  receiver = await WebhookReceiver.start(SECRET);
  host = await TestHost.configured({ env: ENV });
});
afterAll(async () => {
  await host?.stop(true);
  await receiver?.stop();
});

async function call(token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(host.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const profile = (profileId: string, partnerIds: Record<string, string[]> = { '33': ['4'] }) => ({
  profileId,
  partnerIds,
  properties: { last_category: '5678' },
});

async function stats(connectorId: string, days?: number) {
  const answer = await call(ADMIN, 'GET', `/v1/connectors/${connectorId}/stats${days ? `?days=${days}` : ''}`);
  expect(answer.status).toBe(200);
  return answer.body;
}

/** The totals once `done` says they are complete. */
function totalsWhen(connectorId: string, done: (totals: any) => boolean) {
  return eventually('the statistics to count the deliveries', async () => {
    const { totals } = await stats(connectorId);
    return done(totals) ? totals : undefined;
  });
}

describe('traffic statistics', () => {
  let connectorId: string;
  let sourceId: string;

  it('counts deliveries, REMOVED ones apart, skips, retries and dead letters by category, per UTC day', async () => {
    // The receiver refuses profile "too-big" with 413 (dead letter) and answers 503 once to profile "flaky" (a retry).
    receiver.answerWith(({ body, attempt }) => {
      const { profileId } = JSON.parse(body);
      if (profileId === 'too-big') return { status: 413 };
      if (profileId === 'flaky' && attempt === 1) return { status: 503 };
      return undefined;
    });
    const created = await call(ADMIN, 'POST', '/v1/connectors', webhookConnector(receiver.url, SECRET));
    expect(created.status).toBe(201);
    connectorId = created.body.id;
    sourceId = (await call(ADMIN, 'POST', '/v1/bindings', audienceBinding(connectorId))).body.source.id;
    const events = [
      profileEvent(sourceId, { profile: profile('p1') }),
      profileEvent(sourceId, { profile: profile('p2'), callType: 'REMOVED' }),
      profileEvent(sourceId, { profile: profile('p3'), callType: 'REMOVED' }),
      profileEvent(sourceId, { profile: profile('flaky') }),
      profileEvent(sourceId, { profile: profile('too-big') }),
      profileEvent(sourceId, { profile: profile('no-ids', { '99': ['x'] }) }),
      // No binding: counted for no connector.
      profileEvent(randomUUID(), { profile: profile('p4') }),
    ];
    const accepted = await call(INGEST, 'POST', '/v1/events', { events });
    expect(accepted.status).toBe(202);

    const totals = await totalsWhen(connectorId, (t) => t.delivered === 4 && t.deadLettered.too_large === 1);
    expect(totals).toEqual({
      delivered: 4,
      removed: 2,
      retried: 1,
      skipped: { connector_disabled: 0, no_partner_ids: 1, unmapped_change: 0, other_site: 0, other_source: 0 },
      deadLettered: { invalid_credentials: 0, access_denied: 0, not_found: 0, throttled: 0, too_large: 1, other: 0 },
      failed: { invalid_credentials: 0, access_denied: 0, not_found: 0, throttled: 0, too_large: 1, other: 1 },
      largestMessageBytes: expect.any(Number),
    });
    // The largest routed message: at least the largest the receiver took (the refused one, a byte longer, counts too).
    const largestTaken = Math.max(...receiver.received.map((webhook) => Buffer.byteLength(webhook.body)));
    expect(totals.largestMessageBytes).toBeGreaterThanOrEqual(largestTaken);
    expect(totals.largestMessageBytes).toBeLessThan(largestTaken + 16);
    const view = await stats(connectorId);
    const today = new Date().toISOString().slice(0, 10);
    expect(view).toMatchObject({ connectorId, days: 7, to: today });
    expect(view.daily).toHaveLength(7);
    expect(view.daily[6]).toEqual({ day: today, ...totals });
    expect(view.daily.slice(0, 6).every((day: { delivered: number }) => day.delivered === 0)).toBe(true);
    expect((await stats(connectorId, 90)).daily).toHaveLength(90);
  });

  it('keeps its counts across a restart and goes on counting', async () => {
    await host.stop();
    host = await TestHost.configured({ dataDir: host.dataDir, env: ENV });
    expect((await stats(connectorId)).totals).toMatchObject({ delivered: 4, removed: 2, retried: 1 });
    receiver.answerWith();
    const more = [profileEvent(sourceId, { profile: profile('after-restart'), callType: 'REMOVED' })];
    expect((await call(INGEST, 'POST', '/v1/events', { events: more })).status).toBe(202);
    const totals = await totalsWhen(connectorId, (t) => t.delivered === 5);
    expect(totals).toMatchObject({ delivered: 5, removed: 3, retried: 1 });
  });

  it("answers only for the caller's site and the documented windows", async () => {
    expect((await call(ADMIN_SITE_7, 'GET', `/v1/connectors/${connectorId}/stats`)).status).toBe(404);
    const bad = await call(ADMIN, 'GET', `/v1/connectors/${connectorId}/stats?days=8`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'days', message: 'days must be 7, 30 or 90' }]);
    expect((await call(ADMIN, 'GET', `/v1/connectors/${randomUUID()}/stats`)).status).toBe(404);
    expect((await call(ADMIN, 'GET', '/v1/connectors/not-a-uuid/stats')).status).toBe(400);
  });

  it('forgets the statistics with their connector', async () => {
    expect((await call(ADMIN, 'DELETE', `/v1/connectors/${connectorId}`)).status).toBe(204);
    expect((await call(ADMIN, 'GET', `/v1/connectors/${connectorId}/stats`)).status).toBe(404);
  });
});
