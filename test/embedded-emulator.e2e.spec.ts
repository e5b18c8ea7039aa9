import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY } from '@event-connectors/kinesis-connector/testing';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostApp, type HostApp } from '../apps/connector-host/src/create-host-app.js';
import { audienceBinding, kinesisConnector, profileEvent } from './support/fixtures.js';
import { freePort } from './support/free-port.js';
import { SOURCE_DELIVERY_THREAD, eventually } from './support/test-host.js';

// The main job's configuration: no endpoint configured, so the host runs kinesalite beside itself.
describe('the embedded default (no AWS, no external server)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'embedded-host-'));
  let host: HostApp;
  let url: string;
  let emulatorPort: number;

  beforeAll(async () => {
    emulatorPort = await freePort();
    host = await createHostApp(
      {
        DATA_DIR: dataDir,
        KINESIS_EMULATOR_PORT: String(emulatorPort),
        LOG_LEVEL: 'error',
        LOG_FORMAT: 'json',
        DELIVERY_LINGER_MS: '5',
      },
      { deliveryThread: SOURCE_DELIVERY_THREAD },
    );
    await host.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(host.app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await host?.app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: object): Promise<{ status: number; body: any }> => {
    const response = await fetch(url + path, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json() };
  };

  it('creates the stream on demand and delivers to it', async () => {
    const stream = `demo-${randomUUID().slice(0, 8)}`;
    const connector = await call('POST', '/v1/connectors', kinesisConnector(stream));
    expect((await call('POST', `/v1/connectors/${connector.body.id}/check`)).body).toMatchObject({
      ok: true,
      details: { streamStatus: 'ACTIVE' },
    });
    const binding = (await call('POST', '/v1/bindings', audienceBinding(connector.body.id))).body;
    expect((await call('POST', '/v1/events', { events: [profileEvent(binding.source.id)] })).status).toBe(202);

    // Read it back the way a customer's consumer would, from the emulator's loopback port.
    const client = new KinesisClient({
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${emulatorPort}`,
      credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY },
      requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: false }) }),
    });
    try {
      const data = await eventually('the record', async () => {
        const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: stream }));
        const { ShardIterator } = await client.send(
          new GetShardIteratorCommand({ StreamName: stream, ShardId: Shards[0].ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
        );
        const { Records = [] } = await client.send(new GetRecordsCommand({ ShardIterator }));
        return Records.length ? Buffer.from(Records[0].Data!).toString('utf8') : undefined;
      });
      expect(JSON.parse(data)).toMatchObject({ sourceId: binding.source.id, partnerIds: ['4'], sourceNumber: 123 });
    } finally {
      client.destroy();
    }
  });

  it('binds the emulator to loopback only and stops it with the host', async () => {
    const probe = (host: string) =>
      new Promise<boolean>((resolve) => {
        const request = http.request({ host, port: emulatorPort, method: 'POST', timeout: 1000 }, () => resolve(true));
        request.on('error', () => resolve(false));
        request.on('timeout', () => (request.destroy(), resolve(false)));
        request.end();
      });
    expect(await probe('127.0.0.1')).toBe(true);
    await host.app.close();
    expect(await probe('127.0.0.1')).toBe(false);
  });
});
