import { type ConnectorInstance, type DeliveryMessage, validateSettings } from '@event-connectors/connector-sdk';
import { runConnectorContract } from '@event-connectors/connector-sdk/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhookReceiver } from './testing/webhook-receiver.js';
import { resolveWebhookOptions, type WebhookConnectorOptions } from './webhook-connector.options.js';
import { WebhookConnector } from './webhook.connector.js';
import { generateSigningSecret } from './webhook-signature.js';

// Against a real receiver on loopback that verifies every request with the spec's library (standardwebhooks).
const SECRET = generateSigningSecret();
const SETUP_ID = '0f7c2f1e-57a8-4a55-9e39-5a4c1d1e9c11';
const DEVELOPMENT: WebhookConnectorOptions = {
  blockPrivateNetworks: false,
  allowHttpToLoopback: true,
  connectTimeoutMs: 1000,
  requestTimeoutMs: 3000,
};
let receiver: WebhookReceiver;
const opened: ConnectorInstance[] = [];

beforeAll(async () => {
  receiver = await WebhookReceiver.start(SECRET);
});
afterAll(async () => {
  await Promise.all(opened.map((instance) => instance.close()));
  await receiver.stop();
});

const connectorWith = (options: WebhookConnectorOptions = DEVELOPMENT) => new WebhookConnector(resolveWebhookOptions(options));
const open = (settings: Record<string, unknown> = {}, options?: WebhookConnectorOptions) => {
  const connector = connectorWith(options);
  const validation = validateSettings(connector, { url: receiver.url, signingSecret: SECRET, ...settings });
  if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
  const instance = connector.open({ id: SETUP_ID, settings: validation.settings });
  opened.push(instance);
  return instance;
};
// Message ids as the host numbers them (seqs), each batch its own, so a receiver's repeat count is per message.
let nextSeq = 4096;
const messages = (keys: string[]): DeliveryMessage[] =>
  keys.map((key, index) => ({ id: String(nextSeq++), partitionKey: key, body: JSON.stringify({ profileId: key, index }) }));
const UNREACHABLE = 'http://127.0.0.1:9/hook';

runConnectorContract({
  live: { connector: () => connectorWith(), settings: () => ({ url: receiver.url, signingSecret: SECRET }) },
  unreachable: { connector: () => connectorWith(), settings: () => ({ url: UNREACHABLE, signingSecret: SECRET }) },
  readBack: async (_settings, key) =>
    receiver
      .unique()
      .map((webhook) => webhook.body)
      .filter((body) => (JSON.parse(body) as { key?: string }).key === key),
});

describe('WebhookConnector against a verifying receiver', () => {
  beforeEach(() => {
    receiver.answerWith();
    receiver.latencyMs = 0;
    receiver.peakInFlight = 0;
  });

  it('POSTs each message as it is, signed, with its stable webhook id, the extra headers and a JSON content type', async () => {
    const before = receiver.received.length;
    const batch = messages(['signed']);
    const [outcome] = await open({ headers: { Authorization: 'Bearer receiver-token', 'X-Tenant': '42' } }).deliver(batch);
    const [webhook] = receiver.received.slice(before);
    const id = `msg_${SETUP_ID.replace(/-/g, '')}_${batch[0].id}`;
    expect(outcome).toEqual({ status: 'delivered', receipt: { webhookId: id, status: '204' } });
    expect(webhook).toMatchObject({ id, body: JSON.stringify({ profileId: 'signed', index: 0 }) });
    expect(webhook.headers).toMatchObject({
      authorization: 'Bearer receiver-token',
      'x-tenant': '42',
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^event-connectors-webhook/),
    });
    expect(Math.abs(webhook.timestamp - Date.now() / 1000)).toBeLessThan(5);
  });

  it('sends the same webhook id again on a retry, with a fresh signature the receiver verifies', async () => {
    receiver.answerWith(({ attempt }) => (attempt === 1 ? { status: 503 } : undefined));
    const instance = open();
    const batch = messages(['retried']);
    const [first] = await instance.deliver(batch);
    expect(first).toMatchObject({ status: 'retryable', reason: { code: 'HTTP_503' } });
    const [second] = await instance.deliver(batch);
    expect(second.status).toBe('delivered');
    const [webhook] = receiver.received.filter((candidate) => candidate.body.includes('"retried"'));
    expect(webhook.attempt).toBe(2);
    expect(receiver.refused).toBe(0);
  });

  it('sends the messages of different profiles concurrently, bounded', async () => {
    receiver.latencyMs = 40;
    const outcomes = await open({}, { ...DEVELOPMENT, maxConcurrentRequests: 4 }).deliver(
      messages(Array.from({ length: 12 }, (_, i) => `parallel-${i}`)),
    );
    expect(outcomes.every((outcome) => outcome.status === 'delivered')).toBe(true);
    expect(receiver.peakInFlight).toBe(4);
  });

  it("sends a profile's next message only after its previous one was acknowledged, and none after a failure", async () => {
    receiver.latencyMs = 20;
    receiver.answerWith(({ body }) => (body.includes('"index":1') ? { status: 500 } : undefined));
    const outcomes = await open().deliver(messages(['same', 'same', 'same', 'other']));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['delivered', 'retryable', 'retryable', 'delivered']);
    expect(outcomes[2]).toMatchObject({ reason: { code: 'HeldBehindFailure' } });
    expect(receiver.received.filter((webhook) => webhook.body.includes('"same"')).map((webhook) => JSON.parse(webhook.body).index)).toEqual(
      [0],
    );
  });

  it("maps the receiver's answers: 429 with Retry-After, 410 Gone, 401, 400 and a redirect", async () => {
    const byKey: Record<string, { status: number; headers?: Record<string, string> }> = {
      throttled: { status: 429, headers: { 'retry-after': '3' } },
      gone: { status: 410 },
      unauthorized: { status: 401 },
      invalid: { status: 400 },
      moved: { status: 308, headers: { location: 'https://elsewhere.example.com/hook' } },
    };
    receiver.answerWith(({ body }) => byKey[(JSON.parse(body) as { profileId: string }).profileId]);
    const outcomes = await open().deliver(messages(Object.keys(byKey)));
    expect(outcomes).toEqual([
      { status: 'retryable', reason: expect.objectContaining({ code: 'HTTP_429', throttled: true, retryAfterMs: 3000 }) },
      { status: 'rejected', reason: expect.objectContaining({ code: 'HTTP_410', scope: 'destination' }) },
      { status: 'rejected', reason: expect.objectContaining({ code: 'HTTP_401', scope: 'destination' }) },
      { status: 'rejected', reason: { code: 'HTTP_400', message: 'the receiver answered 400' } },
      {
        status: 'rejected',
        reason: expect.objectContaining({ code: 'HTTP_308', message: expect.stringContaining('https://elsewhere.example.com/hook') }),
      },
    ]);
  });

  it('signs with the previous secret too while it is being rotated out: a receiver still on it verifies', async () => {
    const next = generateSigningSecret();
    const [outcome] = await open({ signingSecret: next, previousSigningSecret: SECRET }).deliver(messages(['rotating']));
    expect(outcome.status).toBe('delivered');
    const [webhook] = receiver.received.filter((candidate) => candidate.body.includes('"rotating"'));
    expect(String(webhook.headers['webhook-signature']).split(' ')).toHaveLength(2);
    const refusedBefore = receiver.refused;
    expect((await open({ signingSecret: next }).deliver(messages(['rotated'])))[0]).toMatchObject({
      status: 'rejected',
      reason: { code: 'HTTP_401' },
    });
    expect(receiver.refused).toBe(refusedBefore + 1);
  });

  it('check() reaches the receiver with a HEAD, sends no data, and reports status, latency and addresses', async () => {
    const before = receiver.received.length;
    const result = await open().check();
    expect(result).toEqual({ ok: true, details: { addresses: '127.0.0.1', method: 'HEAD', status: 200, latencyMs: expect.any(Number) } });
    expect(receiver.received.length).toBe(before);
    expect(receiver.probes).toBeGreaterThan(0);
  });

  it('check() names an unreachable receiver and a name that does not resolve', async () => {
    expect((await open({ url: UNREACHABLE }).check()).problem).toMatchObject({
      code: 'endpoint_unreachable',
      message: expect.stringContaining('ECONNREFUSED'),
    });
    expect((await open({ url: 'https://no-such-host.invalid/hook' }).check()).problem).toMatchObject({ code: 'dns_failed' });
  });

  describe('in production (private networks blocked, https only)', () => {
    const PRODUCTION: WebhookConnectorOptions = { connectTimeoutMs: 1000, requestTimeoutMs: 3000 };

    it('refuses, before saving, a plain http URL and one that resolves to a private address', async () => {
      const connector = connectorWith(PRODUCTION);
      expect(await connector.vetSettings({ url: receiver.url, signingSecret: SECRET })).toEqual([
        { field: 'settings.url', message: 'settings.url must use https' },
      ]);
      expect(await connector.vetSettings({ url: 'https://localhost/hook', signingSecret: SECRET })).toEqual([
        {
          field: 'settings.url',
          message: expect.stringMatching(
            /^settings\.url resolves to an address this service may not send to: loopback, private, link-local and reserved addresses are refused$/,
          ),
        },
      ]);
      expect(await connector.vetSettings({ url: 'https://169.254.169.254/latest/meta-data', signingSecret: SECRET })).toHaveLength(1);
      expect(await connectorWith(DEVELOPMENT).vetSettings({ url: receiver.url, signingSecret: SECRET })).toEqual([]);
    });

    it('check() and deliver() refuse a set-up that reaches a private address, keeping the messages', async () => {
      const before = receiver.received.length;
      const instance = open({ url: 'https://127.0.0.1:1/hook' }, PRODUCTION);
      expect((await instance.check()).problem).toMatchObject({ code: 'address_not_allowed' });
      expect(await instance.deliver(messages(['blocked']))).toEqual([
        { status: 'rejected', reason: expect.objectContaining({ code: 'AddressNotAllowed', scope: 'destination' }) },
      ]);
      const plain = open({}, PRODUCTION);
      expect(await plain.deliver(messages(['plain']))).toEqual([
        { status: 'rejected', reason: { code: 'InsecureUrl', message: 'the URL must use https', scope: 'destination' } },
      ]);
      expect(receiver.received.length).toBe(before);
    });
  });
});
