import { sql } from 'kysely';
import { createServer, type Socket } from 'node:net';
import { DatabaseService } from '../apps/connector-host/src/store/database.service.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIVATION_MESSAGE_FIELDS } from '@event-connectors/connector-sdk';
import { DOCUMENTED_EXAMPLE } from '@event-connectors/connector-sdk/testing';
import { generateSigningSecret } from '@event-connectors/webhook-connector';
import { WebhookReceiver } from '@event-connectors/webhook-connector/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { audienceBinding, documentedStory, journeyBinding, profileEvent, SECOND_PROFILE, webhookConnector } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

// The real host with the webhook connector, delivering to a real receiver on loopback that verifies every request
// with the Standard Webhooks library.

const SECRET = generateSigningSecret();
let receiver: WebhookReceiver;
let host: TestHost;

beforeAll(async () => {
  receiver = await WebhookReceiver.start(SECRET);
  host = await TestHost.configured({ env: { CONNECTORS: 'webhook', DELIVERY_PAUSE_AFTER_FAILURES: '2', DELIVERY_RETRY_MAX_MS: '200' } });
});
afterAll(async () => {
  await host?.stop(true);
  await receiver?.stop();
});
beforeEach(() => receiver.answerWith());

async function connectorBoundTo(binding: (connectorId: string) => Record<string, unknown>, settings: Record<string, unknown> = {}) {
  const created = await host.request(
    'POST',
    '/v1/connectors',
    webhookConnector(receiver.url, SECRET, { settings: { url: receiver.url, signingSecret: SECRET, ...settings } }),
  );
  expect(created.status).toBe(201);
  const bound = (await host.request('POST', '/v1/bindings', binding(created.body.id))).body;
  return { connector: created.body, sourceId: bound.source.id as string };
}

/** The verified messages of one source, once `count` of them arrived, as the receiver parsed them. */
async function receivedFor(sourceId: string, count: number) {
  return eventually(`${count} webhooks of ${sourceId}`, async () => {
    const found = receiver.unique().filter((webhook) => JSON.parse(webhook.body).sourceId === sourceId);
    return found.length >= count ? found : undefined;
  });
}

describe('the webhook connector in the host', () => {
  it('is listed with its form: the url a uri, the secrets write-only, every field titled', async () => {
    const types = (await host.request('GET', '/v1/connector-types')).body;
    expect(types.map((type: { type: string }) => type.type)).toEqual(['webhook']);
    expect(types[0].secretFields).toEqual(['signingSecret', 'previousSigningSecret', 'headers']);
    const settings = types[0].schema.properties.settings;
    expect(settings.properties.url).toMatchObject({ type: 'string', format: 'uri', title: 'Endpoint URL' });
    expect(settings.properties.signingSecret).toMatchObject({ writeOnly: true, format: 'password' });
    expect(settings.required.sort()).toEqual(['signingSecret', 'url']);
  });

  it('saves a set-up with its check (a HEAD, no data), never shows or stores its secrets in clear', async () => {
    const probes = receiver.probes;
    const created = await host.request(
      'POST',
      '/v1/connectors',
      webhookConnector(receiver.url, SECRET, {
        settings: { url: receiver.url, signingSecret: SECRET, headers: { Authorization: 'Bearer receiver-api-key-123' } },
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body.settings).toEqual({ url: receiver.url, signingSecretSet: true, previousSigningSecretSet: false, headersSet: true });
    expect(created.body.check).toEqual({
      ok: true,
      details: { addresses: '127.0.0.1', method: 'HEAD', status: 200, latencyMs: expect.any(Number) },
    });
    expect(receiver.probes).toBe(probes + 1);
    const database = await storedBytes(host);
    for (const secret of [SECRET, 'receiver-api-key-123']) {
      expect(JSON.stringify((await host.request('GET', `/v1/connectors/${created.body.id}`)).body)).not.toContain(secret);
      expect(database).not.toContain(secret);
    }
  });

  it('delivers the documented message exactly, signed, one POST per partner id, each profile in order', async () => {
    const { sourceId } = await connectorBoundTo((id) =>
      audienceBinding(id, { source: { type: 'audience', id: DOCUMENTED_EXAMPLE.sourceId, number: 123, name: 'Frequent buyers' } }),
    );
    const answer = await host.request('POST', '/v1/events', {
      events: documentedStory(sourceId),
    });
    expect(answer).toEqual({ status: 202, body: { accepted: 4, routed: 7, skipped: { total: 0 } } });
    const webhooks = await receivedFor(sourceId, 7);
    expect(receiver.refused).toBe(0);
    const documented = webhooks.find((webhook) => JSON.parse(webhook.body).profileId === DOCUMENTED_EXAMPLE.profileId)!;
    expect(documented.body).toBe(JSON.stringify(DOCUMENTED_EXAMPLE));
    expect(Object.keys(JSON.parse(documented.body))).toEqual([...ACTIVATION_MESSAGE_FIELDS]);
    // Per partner id of the second profile: its NEW, MODIFIED, REMOVED in that order.
    for (const partnerId of ['7', '8']) {
      const calls = webhooks
        .map((webhook) => JSON.parse(webhook.body))
        .filter((message) => message.profileId === SECOND_PROFILE.profileId && message.partnerIds[0] === partnerId);
      expect(calls.map((message) => message.callType)).toEqual(['NEW', 'MODIFIED', 'REMOVED']);
    }
    expect(new Set(webhooks.map((webhook) => webhook.id)).size).toBe(7);
  });

  it('delivers a journey step with sourceNumber null and sourceName ""', async () => {
    const { sourceId } = await connectorBoundTo((id) => journeyBinding(id));
    await host.request('POST', '/v1/events', { events: [profileEvent(sourceId, { callType: 'REMOVED', timestamp: 1764338400123 })] });
    const [webhook] = await receivedFor(sourceId, 1);
    expect(JSON.parse(webhook.body)).toMatchObject({
      sourceNumber: null,
      sourceName: '',
      profileVars: {},
      data: {},
      callType: 'REMOVED',
      timestamp: 1764338400123,
    });
  });

  it('honours Retry-After: a throttled message is not sent again sooner', async () => {
    const { sourceId } = await connectorBoundTo((id) => audienceBinding(id));
    const answeredAt: number[] = [];
    receiver.answerWith(({ attempt }) => {
      answeredAt.push(Date.now());
      return attempt === 1 ? { status: 429, headers: { 'retry-after': '1' } } : undefined;
    });
    await host.request('POST', '/v1/events', { events: [profileEvent(sourceId)] });
    const [webhook] = await receivedFor(sourceId, 1);
    expect(webhook.attempt).toBe(2);
    expect(answeredAt[1] - answeredAt[0]).toBeGreaterThanOrEqual(1000);
  });

  it("dead-letters a message the receiver refuses (400), with the receiver's words, and delivers the rest", async () => {
    const { connector, sourceId } = await connectorBoundTo((id) => audienceBinding(id));
    receiver.answerWith(({ body }) => (JSON.parse(body).profileId === 'refused' ? { status: 400, body: 'missing field foo' } : undefined));
    await host.request('POST', '/v1/events', {
      events: ['refused', 'accepted'].map((profileId) => profileEvent(sourceId, { profile: { profileId, partnerIds: { '33': ['1'] } } })),
    });
    await receivedFor(sourceId, 1);
    const dead = await eventually('the dead letter', async () => {
      const page = (await host.request('GET', `/v1/connectors/${connector.id}/dead-letters`)).body;
      return page.total === 1 ? page.items[0] : undefined;
    });
    expect(dead).toMatchObject({
      partitionKey: 'refused',
      errorCode: 'HTTP_400',
      errorMessage: 'the receiver answered 400: missing field foo',
      message: { profileId: 'refused' },
    });
  });

  it('pauses on 410 Gone, keeps the messages, and delivers them once a check passes again', async () => {
    const { connector, sourceId } = await connectorBoundTo((id) => audienceBinding(id));
    receiver.answerWith(() => ({ status: 410 }));
    await host.request('POST', '/v1/events', { events: [profileEvent(sourceId)] });
    const paused = await eventually(
      'the pause',
      async () => (await host.request('GET', `/v1/connectors/${connector.id}`)).body.paused ?? undefined,
    );
    expect(paused.reason).toMatch(/^HTTP_410: the receiver answered 410/);
    expect((await host.request('GET', `/v1/connectors/${connector.id}/dead-letters`)).body.total).toBe(0);
    receiver.answerWith();
    expect((await host.request('POST', `/v1/connectors/${connector.id}/check`)).body.ok).toBe(true);
    const [webhook] = await receivedFor(sourceId, 1);
    expect(JSON.parse(webhook.body).profileId).toBe(DOCUMENTED_EXAMPLE.profileId);
  });

  it('needs the secrets again when the url changes, and a rotation signs with both secrets until the old one is cleared', async () => {
    const { connector, sourceId } = await connectorBoundTo((id) => audienceBinding(id));
    const moved = await host.request('PATCH', `/v1/connectors/${connector.id}`, { settings: { url: `${receiver.url}?v=2` } });
    expect(moved.status).toBe(400);
    expect(moved.body.errors).toEqual([
      { field: 'settings.signingSecret', message: 'settings.signingSecret must be given again when url changes' },
    ]);
    const next = generateSigningSecret();
    const rotating = await host.request('PATCH', `/v1/connectors/${connector.id}`, {
      settings: { signingSecret: next, previousSigningSecret: SECRET },
    });
    expect(rotating.body.settings).toMatchObject({ signingSecretSet: true, previousSigningSecretSet: true });
    await host.request('POST', '/v1/events', { events: [profileEvent(sourceId)] });
    const [webhook] = await receivedFor(sourceId, 1);
    expect(String(webhook.headers['webhook-signature']).split(' ')).toHaveLength(2);
    const cleared = await host.request('PATCH', `/v1/connectors/${connector.id}`, { settings: { previousSigningSecret: null } });
    expect(cleared.body.settings).toMatchObject({ signingSecretSet: true, previousSigningSecretSet: false });
  });
});

describe('the SSRF guard (WEBHOOK_BLOCK_PRIVATE_NETWORKS, as in production)', () => {
  it('refuses a URL that resolves to a loopback address at save, unless the operator allows its network', async () => {
    const guarded = await TestHost.configured({ env: { CONNECTORS: 'webhook', WEBHOOK_BLOCK_PRIVATE_NETWORKS: 'true' } });
    const allowing = await TestHost.configured({
      env: { CONNECTORS: 'webhook', WEBHOOK_BLOCK_PRIVATE_NETWORKS: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' },
    });
    try {
      for (const url of [receiver.url, receiver.url.replace('127.0.0.1', 'localhost')]) {
        const refused = await guarded.request('POST', '/v1/connectors', webhookConnector(url, SECRET));
        expect(refused.status).toBe(400);
        expect(refused.body.errors).toEqual([
          { field: 'settings.url', message: expect.stringMatching(/^settings\.url resolves to an address this service may not send to/) },
        ]);
        // The refusal names no address: it would map the host's own networks for whoever saves a URL.
        expect(JSON.stringify(refused.body)).not.toMatch(/127\.0\.0\.1|::1/);
      }
      expect((await guarded.request('GET', '/v1/connectors')).body).toEqual([]);
      const allowed = await allowing.request('POST', '/v1/connectors', webhookConnector(receiver.url, SECRET));
      expect(allowed.status).toBe(201);
      expect(allowed.body.check.ok).toBe(true);
    } finally {
      await guarded.stop(true);
      await allowing.stop(true);
    }
  });
});

/** Everything the store holds, as text: the SQLite file's bytes, or PostgreSQL's connector rows. */
async function storedBytes(host: TestHost): Promise<string> {
  const store = host.app.get(DatabaseService);
  if (store.engine === 'sqlite') return readFileSync(join(host.dataDir, 'connector-host.db')).toString('latin1');
  return JSON.stringify((await sql`SELECT * FROM connectors`.execute(store.db)).rows);
}

describe('a receiver that takes the connection and never answers', () => {
  it('does not hold a save longer than CHECK_TIMEOUT_MS: the check answers check_timed_out', async () => {
    const sockets = new Set<Socket>();
    // Accepts, reads, never writes: the stalled destination of a hostile or unlucky tenant.
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}/hook`;
    const bounded = await TestHost.configured({ env: { CONNECTORS: 'webhook', CHECK_TIMEOUT_MS: '300' } });
    try {
      const strict = await bounded.request('POST', '/v1/connectors?strict=true', webhookConnector(url, SECRET));
      expect(strict.status).toBe(422);
      expect(strict.body.check.problem).toEqual({ code: 'check_timed_out', message: expect.stringContaining('300 ms (CHECK_TIMEOUT_MS)') });
      const saved = await bounded.request('POST', '/v1/connectors', webhookConnector(url, SECRET));
      expect(saved.status).toBe(201);
      expect(saved.body.check).toMatchObject({ ok: false, problem: { code: 'check_timed_out' } });
    } finally {
      await bounded.stop(true);
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
