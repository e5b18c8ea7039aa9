import { REPLAY_ROOM } from '../apps/connector-host/src/history/replay-runner.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { generateSigningSecret } from '@event-connectors/webhook-connector';
import { WebhookReceiver } from '@event-connectors/webhook-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { IntakeGate } from '../apps/connector-host/src/intake/intake-gate.js';
import { DatabaseService } from '../apps/connector-host/src/store/database.service.js';
import { ApiDocument, type ApiDocumentJson } from './support/api-document.js';
import { InProcessKinesalite, LoopbackSts } from '@event-connectors/kinesis-connector/testing';
import { audienceBinding, kinesisConnector, profileEvent, REGION, webhookConnector } from './support/fixtures.js';
import { freePort } from './support/free-port.js';
import { freshDatabaseUrl } from './support/postgres.js';
import { eventually, TestHost } from './support/test-host.js';

// What a client generated from GET /docs/json meets: real requests to the real host (webhook connectors, a real
// receiver on loopback), each answer matched to the operation and status the host's own document declares and
// validated against that answer's schema. The last test requires every documented answer to have been seen, so
// an answer documented but never produced, or produced but not documented, fails here.

const SECRET = generateSigningSecret();
const ADMIN = 'conformance-admin-token-0123';
const ADMIN_SITE_7 = 'conformance-site-7-admin-0123';
const INGEST = 'conformance-ingest-token-0123';
const INGEST_SITE_7 = 'conformance-site-7-ingest-0123';
const MAX_BODY_BYTES = 8192;
const TOKENS = {
  CONNECTORS: 'webhook',
  ADMIN_TOKENS: `${ADMIN},${ADMIN_SITE_7}@7`,
  INGEST_TOKENS: `${INGEST},${INGEST_SITE_7}@7`,
  MAX_BODY_BYTES: String(MAX_BODY_BYTES),
};

let receiver: WebhookReceiver;
let host: TestHost;
let api: ApiDocument;
/** A loopback port nothing listens on: a destination that cannot be reached. */
let closedUrl: string;

interface Request {
  token?: string;
  id?: string;
  /** Other path parameters by name (default 1). */
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  /** A body sent as is, with `contentType` (default application/json). */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Sends `method template` to `target` and checks the answer against the document; returns its status and body. */
async function send(target: TestHost, method: string, template: string, request: Request = {}) {
  const fill = (_: string, name: string) => (name === 'id' ? (request.id ?? randomUUID()) : (request.params?.[name] ?? '1'));
  const path = template.replace(/\{(\w+)\}/g, fill) + (request.query ? `?${request.query}` : '');
  const body = request.raw ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
  const headers: Record<string, string> = { ...request.headers };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  if (body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
  const response = await fetch(target.url + path, { method, headers, body });
  const text = await response.text();
  api.check(method, template, { status: response.status, headers: response.headers, text });
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  receiver = await WebhookReceiver.start(SECRET);
  closedUrl = `http://127.0.0.1:${await freePort()}/hook`;
  host = await TestHost.configured({ env: { ...TOKENS, ADMIN_RATE_LIMIT_PER_MINUTE: '100000', DELIVERY_RETRY_MAX_MS: '100' } });
  api = new ApiDocument((await (await fetch(`${host.url}/docs/json`)).json()) as ApiDocumentJson);
});
afterAll(async () => {
  await host?.stop(true);
  await receiver?.stop();
});

describe('the published API document, against the real host', () => {
  it('is OpenAPI 3.1 with bearer security on every /v1 operation', () => {
    expect(api.json.openapi).toBe('3.1.0');
    const v1 = api.operations.filter((operation) => operation.path.startsWith('/v1/'));
    expect(v1.length).toBeGreaterThan(15);
    expect(v1.filter((operation) => !operation.secured)).toEqual([]);
  });

  it('documents every success, and each one fits its schema', async () => {
    receiver.answerWith(({ body }) => (JSON.parse(body).profileId === 'refused' ? { status: 413 } : undefined));
    const A = { token: ADMIN };
    await send(host, 'GET', '/v1/connector-types', A);
    const created = await send(host, 'POST', '/v1/connectors', { ...A, body: webhookConnector(receiver.url, SECRET) });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await send(host, 'GET', '/v1/connectors', { ...A, query: 'siteNumber=1234' });
    await send(host, 'GET', '/v1/connectors/{id}', { ...A, id });
    expect((await send(host, 'PATCH', '/v1/connectors/{id}', { ...A, id, body: { name: 'Renamed' } })).status).toBe(200);
    expect((await send(host, 'POST', '/v1/connectors/{id}/check', { ...A, id })).body.ok).toBe(true);
    expect((await send(host, 'POST', '/v1/connectors/{id}/resume', { ...A, id })).status).toBe(200);
    const binding = await send(host, 'POST', '/v1/bindings', { ...A, body: audienceBinding(id) });
    expect(binding.status).toBe(201);
    await send(host, 'GET', '/v1/bindings', { ...A, query: `connectorId=${id}` });
    await send(host, 'GET', '/v1/bindings/{id}', { ...A, id: binding.body.id });

    const sourceId = binding.body.source.id as string;
    const events = ['p1', 'refused'].map((profileId) =>
      profileEvent(sourceId, { profile: { profileId, partnerIds: { '33': ['4'] }, properties: {} } }),
    );
    expect((await send(host, 'POST', '/v1/events', { token: INGEST, body: { events } })).status).toBe(202);
    const letters = await eventually('the refused message to be dead-lettered', async () => {
      const page = await send(host, 'GET', '/v1/connectors/{id}/dead-letters', { ...A, id });
      return page.body.items.length === 1 ? page.body : undefined;
    });
    const replay = { ids: [letters.items[0].id] };
    expect((await send(host, 'POST', '/v1/connectors/{id}/dead-letters/replay', { ...A, id, body: replay })).body).toBeDefined();
    expect((await send(host, 'POST', '/v1/connectors/{id}/dead-letters/delete', { ...A, id, body: {} })).status).toBe(200);
    await send(host, 'GET', '/v1/deliveries', { ...A, query: `connectorId=${id}` });
    expect((await send(host, 'GET', '/v1/connectors/{id}/messages', { ...A, id })).body.items.length).toBeGreaterThan(0);
    await send(host, 'GET', '/v1/connectors/{id}/stats', { ...A, id, query: 'days=30' });
    await send(host, 'POST', '/v1/admin/rotate-secrets', A);
    for (const path of ['/health/live', '/health/ready']) expect((await send(host, 'GET', path)).status).toBe(200);
    for (const path of ['/health/cluster', '/health/connectors']) expect((await send(host, 'GET', path, A)).status).toBe(200);
    expect((await send(host, 'DELETE', '/v1/bindings/{id}', { ...A, id: binding.body.id })).status).toBe(204);
    expect((await send(host, 'DELETE', '/v1/connectors/{id}', { ...A, id })).status).toBe(204);
  });

  it('documents the refusals every protected operation shares: 401, 403, and for a body 400, 413, 415', async () => {
    for (const operation of api.operations.filter(({ secured }) => secured)) {
      const { method, path } = operation;
      const wrongScope = path === '/v1/events' ? ADMIN : INGEST;
      const token = path === '/v1/events' ? INGEST : ADMIN;
      expect((await send(host, method, path)).status, `${method} ${path} without a token`).toBe(401);
      expect((await send(host, method, path, { token: wrongScope })).status, `${method} ${path} other scope`).toBe(403);
      if (!operation.takesBody) continue;
      expect((await send(host, method, path, { token, raw: '{"name": ' })).status, `${method} ${path} bad JSON`).toBe(400);
      const large = JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES) });
      expect((await send(host, method, path, { token, raw: large })).status, `${method} ${path} too large`).toBe(413);
      const xml = { token, raw: '<name/>', contentType: 'application/xml' };
      expect((await send(host, method, path, xml)).status, `${method} ${path} not JSON`).toBe(415);
    }
  });

  it("documents each route's own refusals: wrong fields, unknown ids, other sites, conflicts, failed checks", async () => {
    const A = { token: ADMIN };
    const id = (await send(host, 'POST', '/v1/connectors', { ...A, body: webhookConnector(receiver.url, SECRET) })).body.id;
    const binding = await send(host, 'POST', '/v1/bindings', { ...A, body: audienceBinding(id) });
    for (const operation of api.operations.filter(({ path }) => path.includes('{id}'))) {
      const { method, path } = operation;
      const range = { from: new Date(Date.now() - 60_000).toISOString(), to: new Date().toISOString() };
      const body = method === 'PATCH' ? { name: 'x' } : method === 'POST' ? (path.endsWith('/replays') ? range : {}) : undefined;
      const params = { replayId: randomUUID() };
      expect((await send(host, method, path, { ...A, id: 'not-a-uuid', params, body })).status, `${method} ${path} bad id`).toBe(400);
      expect((await send(host, method, path, { ...A, params, body })).status, `${method} ${path} unknown id`).toBe(404);
    }
    const badFields: [string, string, Request][] = [
      ['POST', '/v1/connectors', { body: { type: 'webhook' } }],
      ['GET', '/v1/connectors', { query: 'siteNumber=0' }],
      ['PATCH', '/v1/connectors/{id}', { id, body: { name: 5 } }],
      ['POST', '/v1/bindings', { body: { connectorId: id } }],
      ['GET', '/v1/bindings', { query: 'connectorId=nope' }],
      ['GET', '/v1/connectors/{id}/dead-letters', { id, query: 'limit=abc' }],
      ['POST', '/v1/connectors/{id}/dead-letters/replay', { id, body: { ids: 'all' } }],
      ['GET', '/v1/deliveries', {}],
      ['GET', '/v1/connectors/{id}/messages', { id, query: 'outcome=lost' }],
      ['POST', '/v1/connectors/{id}/replays', { id, body: { from: 'yesterday' } }],
      ['GET', '/v1/connectors/{id}/replays', { id, query: 'limit=0' }],
      ['GET', '/v1/connectors/{id}/replays/{replayId}', { id, params: { replayId: 'nope' } }],
      ['DELETE', '/v1/connectors/{id}/replays/{replayId}', { id, params: { replayId: 'nope' } }],
      ['GET', '/v1/connectors/{id}/stats', { id, query: 'days=8' }],
    ];
    for (const [method, path, request] of badFields) {
      const answer = await send(host, method, path, { ...A, ...request });
      expect(answer.status, `${method} ${path}`).toBe(400);
      expect(answer.body.errors.length, `${method} ${path} names the field`).toBeGreaterThan(0);
    }
    const events = await send(host, 'POST', '/v1/events', { token: INGEST, body: { events: [{ siteNumber: 1234 }] } });
    expect(events.body.errors.map((error: { field: string }) => error.field)).toContain('events[0].sourceId');

    // Other sites: a site-7 token saving site 1234's connector, rotating every site's secrets, naming a connector
    // it may not see, sending site 1234's events.
    const S7 = { token: ADMIN_SITE_7 };
    expect((await send(host, 'POST', '/v1/connectors', { ...S7, body: webhookConnector(receiver.url, SECRET) })).status).toBe(403);
    expect((await send(host, 'POST', '/v1/admin/rotate-secrets', S7)).status).toBe(403);
    expect((await send(host, 'GET', '/v1/deliveries', { ...S7, query: `connectorId=${id}` })).status).toBe(404);
    expect((await send(host, 'GET', '/v1/connectors/{id}/messages', { ...S7, id })).status).toBe(404);

    // A replay held running by its connector's backlog (live traffic first): a second is refused, and one that is no
    // longer running cannot be cancelled.
    const held = (await send(host, 'POST', '/v1/connectors', { ...A, body: webhookConnector(closedUrl, SECRET) })).body.id;
    const heldSource = (await send(host, 'POST', '/v1/bindings', { ...A, body: audienceBinding(held) })).body.source.id;
    const backlog = Array.from({ length: REPLAY_ROOM }, (_, n) =>
      profileEvent(heldSource, { profile: { profileId: `held-${n}`, partnerIds: { '33': ['4'] }, properties: {} } }),
    );
    // Requests of 15 events: this host's MAX_BODY_BYTES is small.
    for (let start = 0; start < backlog.length; start += 15) {
      const events = backlog.slice(start, start + 15);
      expect((await send(host, 'POST', '/v1/events', { token: INGEST, body: { events } })).status).toBe(202);
    }
    const range = { from: new Date(Date.now() - 60_000).toISOString(), to: new Date().toISOString() };
    const replay = await send(host, 'POST', '/v1/connectors/{id}/replays', { ...A, id: held, body: range });
    expect(replay.status).toBe(202);
    expect((await send(host, 'POST', '/v1/connectors/{id}/replays', { ...A, id: held, body: range })).status).toBe(409);
    const replayId = { replayId: replay.body.id };
    expect((await send(host, 'GET', '/v1/connectors/{id}/replays', { ...A, id: held })).body.items[0].id).toBe(replay.body.id);
    expect((await send(host, 'GET', '/v1/connectors/{id}/replays/{replayId}', { ...A, id: held, params: replayId })).status).toBe(200);
    expect((await send(host, 'DELETE', '/v1/connectors/{id}/replays/{replayId}', { ...A, id: held, params: replayId })).status).toBe(200);
    expect((await send(host, 'DELETE', '/v1/connectors/{id}/replays/{replayId}', { ...A, id: held, params: replayId })).status).toBe(409);
    expect((await send(host, 'DELETE', '/v1/connectors/{id}', { ...A, id: held })).status).toBe(204);
    const sourceId = binding.body.source.id;
    expect((await send(host, 'POST', '/v1/events', { token: INGEST_SITE_7, body: { events: [profileEvent(sourceId)] } })).status).toBe(403);

    expect((await send(host, 'POST', '/v1/bindings', { ...A, body: { ...audienceBinding(id), source: binding.body.source } })).status).toBe(
      409,
    );
    const unreachable = webhookConnector(closedUrl, SECRET);
    const strictCreate = await send(host, 'POST', '/v1/connectors', { ...A, query: 'strict=true', body: unreachable });
    expect(strictCreate.status).toBe(422);
    const strictPatch = { ...A, id, query: 'strict=true', body: { settings: { url: closedUrl, signingSecret: SECRET } } };
    expect((await send(host, 'PATCH', '/v1/connectors/{id}', strictPatch)).status).toBe(422);
    const keyed = { token: INGEST, headers: { 'idempotency-key': randomUUID() } };
    expect((await send(host, 'POST', '/v1/events', { ...keyed, body: { events: [profileEvent(sourceId)] } })).status).toBe(202);
    const otherBody = { events: [profileEvent(sourceId, { callType: 'REMOVED' })] };
    expect((await send(host, 'POST', '/v1/events', { ...keyed, body: otherBody })).status).toBe(422);
  });

  it('documents what a saturated host answers: 429 past the admin rate limit or a backlog cap (still ready), 503 shutting down', async () => {
    // One admin call per route and minute, one pending message per connector, and a destination that is down.
    const saturated = await TestHost.configured({ env: { ...TOKENS, ADMIN_RATE_LIMIT_PER_MINUTE: '1', MAX_BACKLOG_PER_CONNECTOR: '1' } });
    try {
      const A = { token: ADMIN };
      const id = (await send(saturated, 'POST', '/v1/connectors', { ...A, body: webhookConnector(closedUrl, SECRET) })).body.id;
      const sourceId = (await send(saturated, 'POST', '/v1/bindings', { ...A, body: audienceBinding(id) })).body.source.id;
      const event = { token: INGEST, body: { events: [profileEvent(sourceId)] } };
      expect((await send(saturated, 'POST', '/v1/events', event)).status).toBe(202);
      await eventually('the backlog cap to refuse events', async () =>
        (await send(saturated, 'POST', '/v1/events', event)).status === 429 ? true : undefined,
      );
      // A connector at its cap refuses its own events; the host stays ready for everyone else.
      expect((await send(saturated, 'GET', '/health/ready')).status).toBe(200);
      for (const { method, path } of api.operations.filter((operation) => operation.secured && operation.path !== '/v1/events')) {
        const limited = await eventually(`${method} ${path} to be rate limited`, async () => {
          const { status } = await send(saturated, method, path, { ...A, id });
          return status === 429 ? status : undefined;
        });
        expect(limited).toBe(429);
      }
      // What app.close() (SIGTERM) does first: intake closes, and the host reports not ready.
      saturated.app.get(IntakeGate, { strict: false }).onModuleDestroy();
      expect((await send(saturated, 'GET', '/health/ready')).status).toBe(503);
    } finally {
      await saturated.stop(true);
    }
  });

  it('documents the bounds on what a request or a site may cost: 413 and 422 naming the limit', async () => {
    const limits = { MAX_BINDINGS_PER_SOURCE: '1', MAX_CONNECTORS_PER_SITE: '2', MAX_MESSAGES_PER_REQUEST: '1' };
    const bounded = await TestHost.configured({ env: { ...TOKENS, ADMIN_RATE_LIMIT_PER_MINUTE: '100000', ...limits } });
    try {
      const A = { token: ADMIN };
      const save = () => send(bounded, 'POST', '/v1/connectors', { ...A, body: webhookConnector(receiver.url, SECRET) });
      const [first, second, third] = [await save(), await save(), await save()];
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(third).toMatchObject({ status: 422, body: { limit: { name: 'MAX_CONNECTORS_PER_SITE', max: 2, actual: 3 } } });
      const binding = (await send(bounded, 'POST', '/v1/bindings', { ...A, body: audienceBinding(first.body.id) })).body;
      const fanOut = await send(bounded, 'POST', '/v1/bindings', {
        ...A,
        body: { ...audienceBinding(second.body.id), source: binding.source },
      });
      expect(fanOut).toMatchObject({ status: 422, body: { limit: { name: 'MAX_BINDINGS_PER_SOURCE', max: 1, actual: 2 } } });
      const events = [0, 1].map((n) => profileEvent(binding.source.id, { profile: { profileId: `p${n}`, partnerIds: { '33': ['1'] } } }));
      const tooMany = await send(bounded, 'POST', '/v1/events', { token: INGEST, body: { events } });
      expect(tooMany).toMatchObject({ status: 413, body: { limit: { name: 'MAX_MESSAGES_PER_REQUEST', max: 1, actual: 2 } } });
    } finally {
      await bounded.stop(true);
    }
  });

  it('documents what a site is issued, and the 409 of a role another site holds', async () => {
    const kinesis = await InProcessKinesalite.start(REGION);
    const sts = await LoopbackSts.start();
    const env = { ...TOKENS, CONNECTORS: 'kinesis', KINESIS_ENDPOINT: kinesis.endpoint, KINESIS_STS_ENDPOINT: sts.endpoint };
    const roles = await TestHost.configured({
      env: { ...env, AWS_ACCESS_KEY_ID: 'AKIAHOSTIDENTITY0042', AWS_SECRET_ACCESS_KEY: 'k'.repeat(40) },
    });
    try {
      await kinesis.createStream('conformance', 1);
      const A = { token: ADMIN };
      const site = (siteNumber: string) => ({ params: { siteNumber } });
      const issued = await send(roles, 'GET', '/v1/sites/{siteNumber}/issued', { ...A, ...site('8') });
      expect(issued.status).toBe(200);
      expect((await send(roles, 'GET', '/v1/sites/{siteNumber}/issued', { ...A, ...site('0') })).status).toBe(400);
      expect((await send(roles, 'GET', '/v1/sites/{siteNumber}/issued', { token: ADMIN_SITE_7, ...site('8') })).status).toBe(404);
      // A role whose trust policy accepts both sites' external ids: site 8 saves it first and holds it.
      const role = 'arn:aws:iam::123456789012:role/conformance-writer';
      const sevenId = (await send(roles, 'GET', '/v1/sites/{siteNumber}/issued', { ...A, ...site('7') })).body.externalId;
      sts.allowRole(role, [issued.body.externalId, sevenId]);
      const settings = { credentialMode: 'assumeRole', roleArn: role, region: REGION, streamName: 'conformance' };
      expect(
        (await send(roles, 'POST', '/v1/connectors', { ...A, body: kinesisConnector('conformance', { siteNumber: 8, settings }) })).status,
      ).toBe(201);
      expect(
        (await send(roles, 'POST', '/v1/connectors', { ...A, body: kinesisConnector('conformance', { siteNumber: 7, settings }) })).status,
      ).toBe(409);
      const keys = (await send(roles, 'POST', '/v1/connectors', { ...A, body: kinesisConnector('conformance', { siteNumber: 7 }) })).body;
      const toRole = { settings: { ...settings, accessKeyId: null, secretAccessKey: null } };
      expect((await send(roles, 'PATCH', '/v1/connectors/{id}', { ...A, id: keys.id, body: toRole })).status).toBe(409);
    } finally {
      await roles.stop(true);
      await sts.stop();
      await kinesis.stop();
    }
  });

  it('documents the 503 of an instance that only delivers (ROLE=delivery, on PostgreSQL)', async () => {
    const env = { ...TOKENS, DATABASE_URL: await freshDatabaseUrl(), ROLE: 'delivery', SECRETS_KEY: randomBytes(32).toString('base64') };
    const deliveryOnly = await TestHost.configured({ env });
    try {
      const answer = await send(deliveryOnly, 'POST', '/v1/events', { token: INGEST, body: { events: [profileEvent(randomUUID())] } });
      expect(answer.status).toBe(503);
      // Another instance, live, that started without this key: re-sealing now would lock it out of every secret.
      await sql`INSERT INTO instances (id, role, started_at, heartbeat_at, key_ids) VALUES ('old-key-instance', 'all', now(), now(), 'aaaaaaaaaaaa')`.execute(
        deliveryOnly.app.get(DatabaseService, { strict: false }).db,
      );
      const rotation = await send(deliveryOnly, 'POST', '/v1/admin/rotate-secrets', { token: ADMIN });
      expect(rotation.status).toBe(409);
      expect(rotation.body.message).toContain('old-key-instance');
    } finally {
      await deliveryOnly.stop(true);
    }
  });

  it('documents console sessions: 201 for a site, 400 out of range, 403 for another site or asked by a session', async () => {
    const opened = await send(host, 'POST', '/v1/console-sessions', { token: ADMIN, body: { siteNumber: 7, ttlSeconds: 600 } });
    expect(opened.status).toBe(201);
    expect(Date.parse(opened.body.expiresAt) - Date.now()).toBeGreaterThan(590_000);
    expect(opened.body.url).toBe(`/console/#session=${opened.body.token}`);
    expect((await send(host, 'POST', '/v1/console-sessions', { token: ADMIN, body: { siteNumber: 0 } })).status).toBe(400);
    expect((await send(host, 'POST', '/v1/console-sessions', { token: ADMIN, body: { siteNumber: 7, ttlSeconds: 59 } })).status).toBe(400);
    expect((await send(host, 'POST', '/v1/console-sessions', { token: ADMIN_SITE_7, body: { siteNumber: 8 } })).status).toBe(403);
    expect((await send(host, 'POST', '/v1/console-sessions', { token: opened.body.token, body: { siteNumber: 7 } })).status).toBe(403);
    // What the session opens: its site's admin API, answered as documented.
    expect((await send(host, 'GET', '/v1/connectors', { token: opened.body.token })).status).toBe(200);
  });

  it('has produced every answer the document declares', () => {
    expect(api.unseen()).toEqual([]);
  });
});
