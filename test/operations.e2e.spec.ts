import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { InProcessKinesalite, TEST_SECRET_ACCESS_KEY } from '@event-connectors/kinesis-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostProcess } from './faults/support/host-process.js';
import { FaultProxy } from './support/fault-proxy.js';
import { audienceBinding, kinesisConnector, profileEvent, REGION } from './support/fixtures.js';
import { freeFixedPort } from './support/free-port.js';
import { eventually, TestHost } from './support/test-host.js';

let kinesis: InProcessKinesalite;
beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
});
afterAll(async () => {
  await kinesis?.stop();
});

const withHost = async (endpoint: string, env: Record<string, string>, body: (host: TestHost) => Promise<void>) => {
  const host = await TestHost.start(endpoint, { env });
  try {
    await body(host);
  } finally {
    await host.stop(true);
  }
};

describe('check on save: every outcome, against the real emulator', () => {
  it('reports a usable stream beside the saved record, with shard count and record size', async () => {
    await kinesis.createStream('ops-ok', 4);
    await withHost(kinesis.endpoint, {}, async (host) => {
      const { status, body } = await host.request('POST', '/v1/connectors?strict=true', kinesisConnector('ops-ok'));
      expect(status).toBe(201);
      expect(body.check).toEqual({ ok: true, details: expect.objectContaining({ shardCount: 4, maxRecordSizeKiB: 1024, streamStatus: 'ACTIVE' }) });
    });
  });

  it('names a missing stream and its region; strict mode refuses to save it', async () => {
    await withHost(kinesis.endpoint, {}, async (host) => {
      const saved = await host.request('POST', '/v1/connectors', kinesisConnector('ops-missing'));
      expect(saved.status).toBe(201);
      expect(saved.body.check.problem).toEqual({ code: 'stream_not_found', message: `Stream "ops-missing" was not found in region ${REGION}` });
      const before = (await host.request('GET', '/v1/connectors')).body.length;
      const strict = await host.request('POST', '/v1/connectors?strict=true', kinesisConnector('ops-missing'));
      expect(strict.status).toBe(422);
      expect(strict.body.check.problem.code).toBe('stream_not_found');
      expect((await host.request('GET', '/v1/connectors')).body.length).toBe(before);
      // A PATCH in strict mode that breaks a good set-up is refused, and the set-up stays as it was.
      await kinesis.createStream('ops-patch', 1);
      const good = (await host.request('POST', '/v1/connectors', kinesisConnector('ops-patch'))).body;
      const refused = await host.request('PATCH', `/v1/connectors/${good.id}?strict=true`, { settings: { streamName: 'ops-gone' } });
      expect(refused.status).toBe(422);
      expect((await host.request('GET', `/v1/connectors/${good.id}`)).body.settings.streamName).toBe('ops-patch');
      expect((await host.request('POST', '/v1/connectors?strict=maybe', kinesisConnector('ops-patch'))).status).toBe(400);
    });
  });

  it('names a stream that is not ACTIVE yet', async () => {
    const slow = await InProcessKinesalite.start(REGION, { createStreamMs: 5000 });
    try {
      await slow.client.send(new CreateStreamCommand({ StreamName: 'ops-creating', ShardCount: 1 }));
      await withHost(slow.endpoint, {}, async (host) => {
        const { body } = await host.request('POST', '/v1/connectors', kinesisConnector('ops-creating'));
        expect(body.check).toMatchObject({ ok: false, problem: { code: 'stream_not_active', message: expect.stringContaining('CREATING') } });
      });
    } finally {
      await slow.stop();
    }
  });

  it('names a wrong region, an unreachable endpoint, refused credentials and denied access', async () => {
    await kinesis.createStream('ops-region', 1);
    await withHost(kinesis.endpoint, {}, async (host) => {
      const { body } = await host.request('POST', '/v1/connectors', kinesisConnector('ops-region', { settings: { ...kinesisConnector('x').settings, streamName: 'ops-region', region: 'ap-south-1' } }));
      expect(body.check.problem.code).toBe('region_mismatch');
    });
    await withHost('http://127.0.0.1:9', {}, async (host) => {
      const { body } = await host.request('POST', '/v1/connectors', kinesisConnector('ops-region'));
      expect(body.check.problem).toMatchObject({ code: 'endpoint_unreachable', message: expect.stringContaining('127.0.0.1:9') });
    });
    const proxy = await FaultProxy.start(kinesis.endpoint, {
      errors: [
        { operation: 'DescribeStreamSummary', streamName: 'ops-bad-key', status: 400, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' },
        { operation: 'DescribeStreamSummary', streamName: 'ops-denied', status: 400, type: 'AccessDeniedException', message: 'User is not authorized to perform: kinesis:DescribeStreamSummary' },
      ],
    });
    try {
      await withHost(proxy.url, {}, async (host) => {
        const badKey = (await host.request('POST', '/v1/connectors', kinesisConnector('ops-bad-key'))).body;
        expect(badKey.check.problem).toMatchObject({ code: 'credentials_rejected', message: expect.stringContaining('UnrecognizedClientException') });
        const denied = (await host.request('POST', '/v1/connectors', kinesisConnector('ops-denied'))).body;
        expect(denied.check.problem).toMatchObject({ code: 'access_denied', message: expect.stringContaining('ops-denied') });
      });
    } finally {
      await proxy.stop();
    }
  });
});

describe('health', () => {
  it('reports each connector\'s state while /health/ready stays 200 with broken destinations', async () => {
    await kinesis.createStream('ops-active', 1);
    await kinesis.createStream('ops-failing', 1);
    const proxy = await FaultProxy.start(kinesis.endpoint, {
      errors: [{ operation: 'PutRecords', streamName: 'ops-failing', status: 500, type: 'InternalFailure', message: 'injected outage' }],
    });
    try {
      await withHost(proxy.url, { DELIVERY_PAUSE_AFTER_FAILURES: '2', DELIVERY_RETRY_MAX_MS: '100' }, async (host) => {
        const sourceId = randomUUID();
        const source = { type: 'audience', id: sourceId, number: 1, name: 'Health' };
        const ids: Record<string, string> = {};
        for (const [name, stream, extra] of [
          ['active', 'ops-active', {}],
          ['failing', 'ops-failing', {}],
          ['paused', 'ops-never-created', {}],
          ['disabled', 'ops-active', { enabled: false }],
        ] as const) {
          ids[name] = (await host.request('POST', '/v1/connectors', kinesisConnector(stream, { name, ...extra }))).body.id;
          await host.request('POST', '/v1/bindings', audienceBinding(ids[name], { source }));
        }
        await host.request('POST', '/v1/events', { events: [profileEvent(sourceId)] });

        const health = await eventually('every state', async () => {
          const { body } = await host.request('GET', '/health/connectors');
          const byName = Object.fromEntries(body.connectors.map((connector: { name: string }) => [connector.name, connector]));
          return byName.active?.status === 'active' && byName.active.lastSuccessAt && byName.failing?.status === 'failing' && byName.paused?.status === 'paused'
            ? byName
            : undefined;
        });
        expect(health.active).toMatchObject({ backlog: 0, deadLetters: 0, lastError: null, oldestPendingAgeSeconds: null });
        expect(health.failing).toMatchObject({ backlog: 1, lastSuccessAt: null, lastError: { code: 'InternalFailure', message: 'injected outage' } });
        expect(health.failing.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(0);
        expect(health.paused).toMatchObject({ backlog: 1, pausedReason: expect.stringMatching(/^ResourceNotFoundException/) });
        expect(health.disabled).toMatchObject({ status: 'disabled', backlog: 0 });

        const ready = await host.request('GET', '/health/ready');
        expect(ready.status).toBe(200);
        expect(ready.body.info).toMatchObject({ store: { status: 'up' }, intake: { status: 'up' }, delivery: { status: 'up' } });
        expect((await host.request('GET', '/health/live')).status).toBe(200);
      });
    } finally {
      await proxy.stop();
    }
  });

  it('is unready while shutting down and when a connector is at its backlog cap', async () => {
    await withHost('http://127.0.0.1:9', { MAX_BACKLOG_PER_CONNECTOR: '2', DELIVERY_RETRY_BASE_MS: '60000' }, async (host) => {
      const connector = (await host.request('POST', '/v1/connectors', kinesisConnector('ops-cap'))).body;
      const sourceId = (await host.request('POST', '/v1/bindings', audienceBinding(connector.id))).body.source.id;
      await host.request('POST', '/v1/events', { events: [profileEvent(sourceId), profileEvent(sourceId, { profile: { profileId: 'b', partnerIds: { '33': ['1'] } } })] });
      const ready = await host.request('GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.error.delivery.problems[0]).toMatch(/at its backlog cap \(2\)/);
    });
  });
});

describe('metrics', () => {
  const metric = (text: string, name: string, labels = '') => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}${labels ? `{${labels}` : ''}`) && !candidate.startsWith('#'));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };

  it('counts a known run exactly', async () => {
    await kinesis.createStream('ops-metrics', 1);
    await withHost(kinesis.endpoint, {}, async (host) => {
      const connector = (await host.request('POST', '/v1/connectors', kinesisConnector('ops-metrics'))).body;
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
      const records = await eventually('10 records', async () => {
        const all = await kinesis.readAll('ops-metrics');
        return all.length >= 10 ? all : undefined;
      });
      const labels = `connector_id="${connector.id}",connector_type="kinesis"`;
      const text = await eventually('the last round in the metrics', async () => {
        const body = await (await fetch(`${host.url}/metrics`)).text();
        return metric(body, 'connector_host_records_put_total', labels) === 10 ? body : undefined;
      });
      expect(metric(text, 'connector_host_events_received_total')).toBe(11);
      expect(metric(text, 'connector_host_messages_routed_total', labels)).toBe(10);
      expect(metric(text, 'connector_host_messages_skipped_total', 'reason="no_partner_ids"')).toBe(2);
      expect(metric(text, 'connector_host_messages_skipped_total', 'reason="no_binding"')).toBe(1);
      const bytes = records.reduce((sum, record) => sum + Buffer.byteLength(record.data) + Buffer.byteLength(record.partitionKey), 0);
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
    await kinesis.createStream('ops-trace', 1);
    await withHost(kinesis.endpoint, { DELIVERY_MAX_AGE_MS: '1500', DELIVERY_PAUSE_AFTER_FAILURES: '1' }, async (host) => {
      const good = (await host.request('POST', '/v1/connectors', kinesisConnector('ops-trace'))).body;
      const gone = (await host.request('POST', '/v1/connectors', kinesisConnector('ops-trace-missing'))).body;
      const sourceId = randomUUID();
      const source = { type: 'audience', id: sourceId, number: 1, name: 'Trace' };
      await host.request('POST', '/v1/bindings', audienceBinding(good.id, { source }));
      await host.request('POST', '/v1/bindings', audienceBinding(gone.id, { source }));
      await host.request('POST', '/v1/events', {
        events: [profileEvent(sourceId, { profile: { profileId: 'traced', partnerIds: { '33': ['1'] } } }), profileEvent(sourceId, { profile: { profileId: 'no-ids' } })],
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
      const [record] = await kinesis.readAll('ops-trace');
      expect(items.find((item: { status: string }) => item.status === 'delivered')).toMatchObject({
        connectorId: good.id,
        profileId: 'traced',
        receipt: { shardId: record.shardId, sequenceNumber: record.sequenceNumber },
        attempts: 1,
      });
      expect(items.find((item: { status: string }) => item.status === 'dead_lettered')).toMatchObject({
        connectorId: gone.id,
        profileId: 'traced',
        errorCode: 'MaxAgeExceeded',
        errorMessage: expect.stringContaining('ResourceNotFoundException'),
      });
      const skipped = items.filter((item: { status: string }) => item.status === 'skipped');
      expect(skipped).toHaveLength(2);
      expect(skipped.every((item: { profileId: string; reason: string }) => item.profileId === 'no-ids' && item.reason === 'no_partner_ids')).toBe(true);
      expect((await host.request('GET', '/v1/deliveries')).status).toBe(400);
    });
  });
});

describe('logs', () => {
  it('never contain a secret, whatever the route, and carry request ids', async () => {
    await kinesis.createStream('ops-logs', 1);
    const dataDir = mkdtempSync(join(tmpdir(), 'ops-logs-'));
    const otherSecret = 'zYxWvUtSrQpOnMlKjIhGfEdCbA9876543210ABCD';
    const host = new HostProcess(await freeFixedPort(), { DATA_DIR: dataDir, KINESIS_ENDPOINT: kinesis.endpoint, LOG_LEVEL: 'verbose' }, { keepFullLog: true });
    await host.start();
    try {
      const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
        const response = await fetch(host.url + path, { method, headers: { 'content-type': 'application/json', 'x-request-id': 'ops-log-test', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
        return response.json() as Promise<any>;
      };
      const connector = await call('POST', '/v1/connectors', kinesisConnector('ops-logs'), { authorization: `Bearer ${TEST_SECRET_ACCESS_KEY}` });
      await call('PATCH', `/v1/connectors/${connector.id}`, { settings: { secretAccessKey: otherSecret } });
      await call('PATCH', `/v1/connectors/${connector.id}`, { settings: { secretAccessKey: `${otherSecret}!`, region: 'nowhere' } });
      await call('POST', '/v1/connectors', { ...kinesisConnector('ops-logs'), type: 'nope' });
      await call('POST', `/v1/connectors/${connector.id}/check`);
      const binding = await call('POST', '/v1/bindings', audienceBinding(connector.id));
      await call('POST', '/v1/events', { events: [profileEvent(binding.source.id)] });
      await eventually('the record', async () => ((await kinesis.readAll('ops-logs')).length > 0 ? true : undefined));
    } finally {
      await host.kill('SIGTERM');
    }
    const logs = host.logs();
    expect(logs).toContain('"req":{"id":"ops-log-test"');
    expect(logs).toContain('POST /v1/connectors 201');
    for (const secret of [TEST_SECRET_ACCESS_KEY, otherSecret, Buffer.from(TEST_SECRET_ACCESS_KEY).toString('base64')]) {
      expect(logs).not.toContain(secret);
      for (const file of readdirSync(dataDir).filter((name) => name.startsWith('connector-host.db'))) {
        expect(readFileSync(join(dataDir, file)).toString('latin1')).not.toContain(secret);
      }
    }
    // Event payloads are not logged by default.
    expect(logs).not.toContain('aaaabbbb-cccc-dddd-eeee-ffffffffffff');
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('OpenAPI', () => {
  it('documents every route at /docs', async () => {
    await withHost(kinesis.endpoint, {}, async (host) => {
      const document = (await host.request('GET', '/docs/json')).body;
      expect(Object.keys(document.paths).sort()).toEqual(
        [
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
          '/v1/connectors/{id}/dead-letters/replay',
          '/v1/connectors/{id}/resume',
          '/v1/deliveries',
          '/v1/events',
        ].sort(),
      );
      expect(document.paths['/v1/events'].post.requestBody.content['application/json'].schema.required).toEqual(['events']);
      expect((await fetch(`${host.url}/docs`)).status).toBe(200);
    });
  });
});
