import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { InProcessKinesalite, TEST_SECRET_ACCESS_KEY } from '@event-connectors/kinesis-connector/testing';
import { generateSigningSecret } from '@event-connectors/webhook-connector';
import { WebhookReceiver } from '@event-connectors/webhook-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostProcess } from './faults/support/host-process.js';
import { FaultProxy } from './support/fault-proxy.js';
import { audienceBinding, kinesisConnector, profileEvent, REGION, webhookConnector } from './support/fixtures.js';
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
      expect(body.check).toEqual({
        ok: true,
        details: expect.objectContaining({ shardCount: 4, maxRecordSizeKiB: 1024, streamStatus: 'ACTIVE' }),
      });
    });
  });

  it('names a missing stream and its region; strict mode refuses to save it', async () => {
    await withHost(kinesis.endpoint, {}, async (host) => {
      const saved = await host.request('POST', '/v1/connectors', kinesisConnector('ops-missing'));
      expect(saved.status).toBe(201);
      expect(saved.body.check.problem).toEqual({
        code: 'stream_not_found',
        message: `Stream "ops-missing" was not found in region ${REGION}`,
      });
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
        expect(body.check).toMatchObject({
          ok: false,
          problem: { code: 'stream_not_active', message: expect.stringContaining('CREATING') },
        });
      });
    } finally {
      await slow.stop();
    }
  });

  it('names a wrong region, an unreachable endpoint, refused credentials and denied access', async () => {
    await kinesis.createStream('ops-region', 1);
    await withHost(kinesis.endpoint, {}, async (host) => {
      const { body } = await host.request(
        'POST',
        '/v1/connectors',
        kinesisConnector('ops-region', { settings: { ...kinesisConnector('x').settings, streamName: 'ops-region', region: 'ap-south-1' } }),
      );
      expect(body.check.problem.code).toBe('region_mismatch');
    });
    await withHost('http://127.0.0.1:9', {}, async (host) => {
      const { body } = await host.request('POST', '/v1/connectors', kinesisConnector('ops-region'));
      expect(body.check.problem).toMatchObject({ code: 'endpoint_unreachable', message: expect.stringContaining('127.0.0.1:9') });
    });
    const proxy = await FaultProxy.start(kinesis.endpoint, {
      errors: [
        {
          operation: 'DescribeStreamSummary',
          streamName: 'ops-bad-key',
          status: 400,
          type: 'UnrecognizedClientException',
          message: 'The security token included in the request is invalid.',
        },
        {
          operation: 'DescribeStreamSummary',
          streamName: 'ops-denied',
          status: 400,
          type: 'AccessDeniedException',
          message: 'User is not authorized to perform: kinesis:DescribeStreamSummary',
        },
      ],
    });
    try {
      await withHost(proxy.url, {}, async (host) => {
        const badKey = (await host.request('POST', '/v1/connectors', kinesisConnector('ops-bad-key'))).body;
        expect(badKey.check.problem).toMatchObject({
          code: 'credentials_rejected',
          message: expect.stringContaining('UnrecognizedClientException'),
        });
        const denied = (await host.request('POST', '/v1/connectors', kinesisConnector('ops-denied'))).body;
        expect(denied.check.problem).toMatchObject({ code: 'access_denied', message: expect.stringContaining('ops-denied') });
      });
    } finally {
      await proxy.stop();
    }
  });
});

describe('logs', () => {
  it('never contain a secret of any loaded connector, whatever the route, and carry request ids', async () => {
    await kinesis.createStream('ops-logs', 1);
    const [signingSecret, rotatedSecret] = [generateSigningSecret(), generateSigningSecret()];
    const headerSecret = 'Bearer receiver-header-secret-4711';
    const receiver = await WebhookReceiver.start([signingSecret, rotatedSecret]);
    const dataDir = mkdtempSync(join(tmpdir(), 'ops-logs-'));
    const otherSecret = 'zYxWvUtSrQpOnMlKjIhGfEdCbA9876543210ABCD';
    const host = new HostProcess(
      await freeFixedPort(),
      { DATA_DIR: dataDir, KINESIS_ENDPOINT: kinesis.endpoint, LOG_LEVEL: 'verbose' },
      { keepFullLog: true },
    );
    await host.start();
    try {
      const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
        const response = await fetch(host.url + path, {
          method,
          headers: { 'content-type': 'application/json', 'x-request-id': 'ops-log-test', ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return response.json() as Promise<any>;
      };
      const connector = await call('POST', '/v1/connectors', kinesisConnector('ops-logs'), {
        authorization: `Bearer ${TEST_SECRET_ACCESS_KEY}`,
      });
      await call('PATCH', `/v1/connectors/${connector.id}`, { settings: { secretAccessKey: otherSecret } });
      await call('PATCH', `/v1/connectors/${connector.id}`, { settings: { secretAccessKey: `${otherSecret}!`, region: 'nowhere' } });
      await call('POST', '/v1/connectors', { ...kinesisConnector('ops-logs'), type: 'nope' });
      await call('POST', `/v1/connectors/${connector.id}/check`);
      const binding = await call('POST', '/v1/bindings', audienceBinding(connector.id));
      await call('POST', '/v1/events', { events: [profileEvent(binding.source.id)] });
      await eventually('the record', async () => ((await kinesis.readAll('ops-logs')).length > 0 ? true : undefined));
      const webhook = await call(
        'POST',
        '/v1/connectors',
        webhookConnector(receiver.url, signingSecret, {
          settings: { url: receiver.url, signingSecret, headers: { Authorization: headerSecret } },
        }),
      );
      await call('PATCH', `/v1/connectors/${webhook.id}`, {
        settings: { signingSecret: rotatedSecret, previousSigningSecret: signingSecret },
      });
      await call('PATCH', `/v1/connectors/${webhook.id}`, {
        settings: { signingSecret: 'whsec_broken', headers: { 'Content-Type': headerSecret } },
      });
      const webhookBinding = await call('POST', '/v1/bindings', audienceBinding(webhook.id));
      await call('POST', '/v1/events', { events: [profileEvent(webhookBinding.source.id)] });
      await eventually('the webhook', async () => (receiver.received.length > 0 ? true : undefined));
    } finally {
      await host.kill('SIGTERM');
      await receiver.stop();
    }
    const logs = host.logs();
    expect(logs).toContain('"req":{"id":"ops-log-test"');
    expect(logs).toContain('POST /v1/connectors 201');
    for (const secret of [
      TEST_SECRET_ACCESS_KEY,
      otherSecret,
      Buffer.from(TEST_SECRET_ACCESS_KEY).toString('base64'),
      signingSecret,
      rotatedSecret,
      signingSecret.slice(6),
      headerSecret,
      'receiver-header-secret-4711',
    ]) {
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
