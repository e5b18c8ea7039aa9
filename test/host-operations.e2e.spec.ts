import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { audienceBinding, fakeConnector, profileEvent } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

// Operations of the host whatever the connector: health states, exact metrics, the delivery trace and the API
// document, against the SDK's fake connector and its scripted destinations.

const hosts: TestHost[] = [];
afterAll(async () => {
  for (const host of hosts) await host.stop(true);
});
const withHost = async (env: Record<string, string>, body: (host: TestHost) => Promise<void>) => {
  const host = await TestHost.withFake({ env });
  hosts.push(host);
  await body(host);
};

describe('health', () => {
  it("reports each connector's state while /health/ready stays 200 with broken destinations", async () => {
    await withHost({ DELIVERY_PAUSE_AFTER_FAILURES: '2', DELIVERY_RETRY_MAX_MS: '100' }, async (host) => {
      host.destinations.get('ops-failing').failWith({ code: 'InternalFailure', message: 'injected outage' });
      host.destinations
        .get('ops-gone')
        .failWith({ code: 'DestinationGone', message: 'the destination is gone', scope: 'destination' }, 'rejected');
      const sourceId = randomUUID();
      const source = { type: 'audience', id: sourceId, number: 1, name: 'Health' };
      const ids: Record<string, string> = {};
      for (const [name, destination, extra] of [
        ['active', 'ops-active', {}],
        ['failing', 'ops-failing', {}],
        ['paused', 'ops-gone', {}],
        ['disabled', 'ops-active', { enabled: false }],
      ] as const) {
        ids[name] = (await host.request('POST', '/v1/connectors', fakeConnector(destination, { name, ...extra }))).body.id;
        await host.request('POST', '/v1/bindings', audienceBinding(ids[name], { source }));
      }
      await host.request('POST', '/v1/events', { events: [profileEvent(sourceId)] });

      const health = await eventually('every state', async () => {
        const { body } = await host.request('GET', '/health/connectors');
        const byName = Object.fromEntries(body.connectors.map((connector: { name: string }) => [connector.name, connector]));
        return byName.active?.status === 'active' &&
          byName.active.lastSuccessAt &&
          byName.failing?.status === 'failing' &&
          byName.paused?.status === 'paused'
          ? byName
          : undefined;
      });
      expect(health.active).toMatchObject({ backlog: 0, deadLetters: 0, lastError: null, oldestPendingAgeSeconds: null });
      expect(health.failing).toMatchObject({
        backlog: 1,
        lastSuccessAt: null,
        lastError: { code: 'InternalFailure', message: 'injected outage' },
      });
      expect(health.failing.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(0);
      expect(health.paused).toMatchObject({ backlog: 1, pausedReason: 'DestinationGone: the destination is gone' });
      expect(health.disabled).toMatchObject({ status: 'disabled', backlog: 0 });

      const ready = await host.request('GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.info).toMatchObject({ store: { status: 'up' }, intake: { status: 'up' }, delivery: { status: 'up' } });
      expect((await host.request('GET', '/health/live')).status).toBe(200);
    });
  });

  it('stays ready when a connector is at its backlog cap (that connector refuses its own events)', async () => {
    await withHost({ MAX_BACKLOG_PER_CONNECTOR: '2', DELIVERY_RETRY_BASE_MS: '60000' }, async (host) => {
      host.destinations.get('ops-cap').failWith({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
      const connector = (await host.request('POST', '/v1/connectors', fakeConnector('ops-cap'))).body;
      const sourceId = (await host.request('POST', '/v1/bindings', audienceBinding(connector.id))).body.source.id;
      await host.request('POST', '/v1/events', {
        events: [profileEvent(sourceId), profileEvent(sourceId, { profile: { profileId: 'b', partnerIds: { '33': ['1'] } } })],
      });
      const refused = await host.request('POST', '/v1/events', {
        events: [profileEvent(sourceId, { profile: { profileId: 'c', partnerIds: { '33': ['1'] } } })],
      });
      expect(refused.status).toBe(429);
      const ready = await host.request('GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(JSON.stringify(ready.body)).not.toContain(connector.id);
    });
  });
});

describe('metrics', () => {
  const metric = (text: string, name: string, labels = '') => {
    const line = text
      .split('\n')
      .find((candidate) => candidate.startsWith(`${name}${labels ? `{${labels}` : ''}`) && !candidate.startsWith('#'));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };

  it('counts a known run exactly', async () => {
    await withHost({}, async (host) => {
      const connector = (await host.request('POST', '/v1/connectors', fakeConnector('ops-metrics'))).body;
      const sourceId = (await host.request('POST', '/v1/bindings', audienceBinding(connector.id))).body.source.id;
      const profile = (id: string, ids: string[]) => ({ profileId: id, partnerIds: { '33': ids }, properties: { last_category: 'x' } });
      await host.request('POST', '/v1/events', {
        events: [
          ...Array.from({ length: 6 }, (_, i) => profileEvent(sourceId, { profile: profile(`one-${i}`, ['a']) })),
          profileEvent(sourceId, { profile: profile('two-0', ['a', 'b']) }),
          profileEvent(sourceId, { profile: profile('two-1', ['a', 'b']) }),
          profileEvent(sourceId, { profile: profile('none-0', []) }),
          profileEvent(sourceId, { profile: profile('none-1', []) }),
        ],
      });
      await host.request('POST', '/v1/events', { events: [profileEvent(randomUUID())] });
      const destination = host.destinations.get('ops-metrics');
      const received = await eventually('10 messages', async () => (destination.received.length >= 10 ? destination.received : undefined));
      const labels = `connector_id="${connector.id}",connector_type="fake"`;
      const text = await eventually('the last round in the metrics', async () => {
        const body = await (await fetch(`${host.url}/metrics`)).text();
        return metric(body, 'connector_host_records_put_total', labels) === 10 ? body : undefined;
      });
      expect(metric(text, 'connector_host_events_received_total')).toBe(11);
      expect(metric(text, 'connector_host_messages_routed_total', labels)).toBe(10);
      expect(metric(text, 'connector_host_messages_skipped_total', 'reason="no_partner_ids"')).toBe(2);
      expect(metric(text, 'connector_host_messages_skipped_total', 'reason="no_binding"')).toBe(1);
      const bytes = received.reduce((sum, message) => sum + Buffer.byteLength(message.body) + Buffer.byteLength(message.partitionKey), 0);
      expect(metric(text, 'connector_host_bytes_put_total', labels)).toBe(bytes);
      expect(metric(text, 'connector_host_accept_to_ack_seconds_count', labels)).toBe(10);
      expect(metric(text, 'connector_host_batch_size_sum', labels)).toBe(10);
      expect(metric(text, 'connector_host_backlog_messages', labels)).toBe(0);
      expect(metric(text, 'connector_host_dead_letters', labels)).toBe(0);
      expect(metric(text, 'connector_host_records_failed_total', labels)).toBeUndefined();
      expect(text).not.toMatch(/profile|sourceId|one-0/);
    });
  });
});

describe('delivery trace', () => {
  it('tells a delivered, a pending, a skipped and a dead-lettered message apart', async () => {
    await withHost({ DELIVERY_MAX_AGE_MS: '1500', DELIVERY_PAUSE_AFTER_FAILURES: '1' }, async (host) => {
      host.destinations
        .get('ops-trace-gone')
        .failWith({ code: 'DestinationGone', message: 'the destination is gone', scope: 'destination' }, 'rejected');
      const good = (await host.request('POST', '/v1/connectors', fakeConnector('ops-trace'))).body;
      const gone = (await host.request('POST', '/v1/connectors', fakeConnector('ops-trace-gone'))).body;
      const sourceId = randomUUID();
      const source = { type: 'audience', id: sourceId, number: 1, name: 'Trace' };
      await host.request('POST', '/v1/bindings', audienceBinding(good.id, { source }));
      await host.request('POST', '/v1/bindings', audienceBinding(gone.id, { source }));
      await host.request('POST', '/v1/events', {
        events: [
          profileEvent(sourceId, { profile: { profileId: 'traced', partnerIds: { '33': ['1'] } } }),
          profileEvent(sourceId, { profile: { profileId: 'no-ids' } }),
        ],
      });

      const pending = await eventually('a pending message', async () => {
        const { body } = await host.request('GET', `/v1/deliveries?profileId=traced&connectorId=${gone.id}`);
        return body.items.find((item: { status: string }) => item.status === 'pending');
      });
      expect(pending).toMatchObject({ connectorId: gone.id, profileId: 'traced', sourceId, acceptedAt: expect.any(String) });

      const items = await eventually('delivered and dead-lettered', async () => {
        const { body } = await host.request('GET', `/v1/deliveries?sourceId=${sourceId}`);
        const statuses = body.items.map((item: { status: string }) => item.status);
        return statuses.includes('delivered') && statuses.includes('dead_lettered') ? body.items : undefined;
      });
      expect(items.find((item: { status: string }) => item.status === 'delivered')).toMatchObject({
        connectorId: good.id,
        profileId: 'traced',
        // The connector's receipt exactly as it gave it: the host knows no connector's fields.
        receipt: { destination: 'ops-trace', position: '1' },
        attempts: 1,
      });
      expect(items.find((item: { status: string }) => item.status === 'dead_lettered')).toMatchObject({
        connectorId: gone.id,
        profileId: 'traced',
        errorCode: 'MaxAgeExceeded',
        errorMessage: expect.stringContaining('DestinationGone'),
      });
      const skipped = items.filter((item: { status: string }) => item.status === 'skipped');
      expect(skipped).toHaveLength(2);
      expect(
        skipped.every((item: { profileId: string; reason: string }) => item.profileId === 'no-ids' && item.reason === 'no_partner_ids'),
      ).toBe(true);
      expect((await host.request('GET', '/v1/deliveries')).status).toBe(400);
    });
  });
});

describe('OpenAPI', () => {
  it('documents every route at /docs', async () => {
    await withHost({}, async (host) => {
      const document = (await host.request('GET', '/docs/json')).body;
      expect(Object.keys(document.paths).sort()).toEqual(
        [
          '/health/cluster',
          '/health/connectors',
          '/health/live',
          '/health/ready',
          '/v1/admin/rotate-secrets',
          '/v1/bindings',
          '/v1/bindings/{id}',
          '/v1/connector-types',
          '/v1/connectors',
          '/v1/connectors/{id}',
          '/v1/connectors/{id}/check',
          '/v1/connectors/{id}/dead-letters',
          '/v1/connectors/{id}/dead-letters/delete',
          '/v1/connectors/{id}/dead-letters/replay',
          '/v1/connectors/{id}/messages',
          '/v1/connectors/{id}/replays',
          '/v1/connectors/{id}/replays/{replayId}',
          '/v1/connectors/{id}/resume',
          '/v1/connectors/{id}/stats',
          '/v1/console-sessions',
          '/v1/deliveries',
          '/v1/events',
          '/v1/sites/{siteNumber}/issued',
        ].sort(),
      );
      expect(document.paths['/v1/events'].post.requestBody.content['application/json'].schema.required).toEqual(['events']);
      // OpenAPI 3.1, bearer security on every /v1 operation and on the health routes that name tenants or machines,
      // public liveness and readiness, 202 for events, ErrorBody refusals.
      expect(document.openapi).toBe('3.1.0');
      expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
      for (const [path, operations] of Object.entries<Record<string, any>>(document.paths)) {
        for (const operation of Object.values(operations)) {
          const secured = !['/health/live', '/health/ready'].includes(path);
          expect(operation.security, path).toEqual(secured ? [{ bearer: [] }] : []);
          if (secured) expect(Object.keys(operation.responses), path).toEqual(expect.arrayContaining(['401', '403']));
          for (const [status, answer] of Object.entries<any>(operation.responses)) {
            if (Number(status) >= 400 && path.startsWith('/v1'))
              expect(answer.content['application/json'].schema, `${path} ${status}`).toEqual({ $ref: '#/components/schemas/ErrorBody' });
          }
        }
      }
      expect(Object.keys(document.paths['/v1/events'].post.responses).sort()).toEqual(
        ['202', '400', '401', '403', '413', '415', '422', '429', '503'].sort(),
      );
      expect(document.components.schemas.ErrorBody.required).toEqual(['statusCode', 'error', 'message', 'errors']);
      expect((await fetch(`${host.url}/docs`)).status).toBe(200);
    });
  });
});

describe('refusals', () => {
  it("all have the document's ErrorBody shape, Fastify's own (bad JSON, too large, not JSON) and the guard's alike", async () => {
    await withHost({ MAX_BODY_BYTES: '2048', ADMIN_TOKENS: 'admin-token-0123456789' }, async (host) => {
      const send = async (headers: Record<string, string>, body?: string) => {
        const response = await fetch(`${host.url}/v1/connectors`, { method: 'POST', headers, body });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      const admin = { authorization: 'Bearer admin-token-0123456789' };
      const answers = [
        await send({}, '{}'),
        await send({ ...admin, 'content-type': 'application/json' }, '{bad'),
        await send({ ...admin, 'content-type': 'application/json' }, JSON.stringify({ name: 'x'.repeat(4096) })),
        await send({ ...admin, 'content-type': 'application/xml' }, '<connector/>'),
        await send({ ...admin, 'content-type': 'application/json' }, '{}'),
      ];
      expect(answers.map((answer) => answer.status)).toEqual([401, 400, 413, 415, 400]);
      for (const { status, body } of answers) {
        expect(Object.keys(body).sort()).toEqual(['error', 'errors', 'message', 'statusCode']);
        expect(body).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.any(String) });
      }
      expect(answers[0].body.errors).toEqual([]);
      for (const answer of answers.slice(1, 4)) expect(answer.body.errors).toEqual([{ field: 'body', message: answer.body.message }]);
    });
  });
});
