import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConnectorRegistry, ConnectorSdkModule, validateSettings } from '@event-connectors/connector-sdk';
import { KinesisConnectorModule } from '@event-connectors/kinesis-connector';
import { InProcessKinesalite, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY } from '@event-connectors/kinesis-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Another host than ours: a minimal Nest app that imports only the SDK and the Kinesis module (no ConfigService,
// no environment, nothing of apps/), finds the connector through the registry and delivers a batch with it.

const STREAM = 'minimal-host';
let kinesis: InProcessKinesalite;
let workDir: string;

const childProcesses = () =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.trim() && !line.includes('ps'));

/** Opens a set-up of the registry's Kinesis connector on the test stream, as a platform would. */
function openStream(registry: ConnectorRegistry, id: string) {
  const connector = registry.get('kinesis')!;
  const validation = validateSettings(connector, {
    accessKeyId: TEST_ACCESS_KEY_ID,
    secretAccessKey: TEST_SECRET_ACCESS_KEY,
    region: 'eu-west-1',
    streamName: STREAM,
  });
  if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
  return connector.open({ id, settings: validation.settings });
}

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start('eu-west-1');
  await kinesis.createStream(STREAM, 1);
  workDir = mkdtempSync(join(tmpdir(), 'minimal-host-'));
});
afterAll(async () => {
  await kinesis?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('a second, minimal Nest app', () => {
  it('boots with only the SDK and the Kinesis module, and delivers a batch to kinesalite through the registry', async () => {
    @Module({ imports: [ConnectorSdkModule, KinesisConnectorModule.forRoot({ endpoint: kinesis.endpoint, connectTimeoutMs: 1000 })] })
    class PlatformModule {}

    const before = childProcesses().length;
    const cwd = process.cwd();
    process.chdir(workDir);
    const app = await NestFactory.createApplicationContext(PlatformModule, { logger: false });
    process.chdir(cwd);
    try {
      // Importing and booting the module has no side effect: no emulator child, no file written.
      expect(childProcesses()).toHaveLength(before);
      expect(readdirSync(workDir)).toEqual([]);

      const registry = app.get(ConnectorRegistry);
      expect(registry.types()).toEqual(['kinesis']);
      const instance = openStream(registry, 'platform-1');
      try {
        expect(await instance.check()).toMatchObject({ ok: true, details: { streamStatus: 'ACTIVE' } });
        const batch = ['a', 'b', 'c'].map((key, index) => ({
          id: String(index),
          partitionKey: `profile-${key}`,
          body: JSON.stringify({ index }),
        }));
        const outcomes = await instance.deliver(batch);
        expect(outcomes.map((outcome) => outcome.status)).toEqual(['delivered', 'delivered', 'delivered']);
        expect(outcomes[0]).toMatchObject({ receipt: { shardId: 'shardId-000000000000', sequenceNumber: expect.any(String) } });
        const records = await kinesis.readAll(STREAM);
        expect(records.map((record) => [record.partitionKey, record.data])).toEqual(
          batch.map((message) => [message.partitionKey, message.body]),
        );
      } finally {
        await instance.close();
      }
    } finally {
      await app.close();
    }
  });

  it('takes its options from another module with forRootAsync', async () => {
    const PLATFORM_SETTINGS = Symbol('PLATFORM_SETTINGS');
    @Module({ providers: [{ provide: PLATFORM_SETTINGS, useValue: { kinesisEndpoint: kinesis.endpoint } }], exports: [PLATFORM_SETTINGS] })
    class PlatformSettingsModule {}
    @Module({
      imports: [
        ConnectorSdkModule,
        KinesisConnectorModule.forRootAsync({
          imports: [PlatformSettingsModule],
          inject: [PLATFORM_SETTINGS],
          useFactory: async (settings: { kinesisEndpoint: string }) => ({ endpoint: settings.kinesisEndpoint }),
        }),
      ],
    })
    class AsyncPlatformModule {}
    const app = await NestFactory.createApplicationContext(AsyncPlatformModule, { logger: false });
    try {
      const instance = openStream(app.get(ConnectorRegistry), 'platform-2');
      expect((await instance.check()).details).toMatchObject({ streamArn: expect.stringContaining(STREAM) });
      await instance.close();
    } finally {
      await app.close();
    }
  });

  it('refuses options that cannot work at boot, naming the option', async () => {
    @Module({ imports: [ConnectorSdkModule, KinesisConnectorModule.forRoot({ autoCreateStreams: true })] })
    class MisconfiguredModule {}
    await expect(NestFactory.createApplicationContext(MisconfiguredModule, { logger: false, abortOnError: false })).rejects.toThrow(
      /autoCreateStreams needs an endpoint/,
    );
  });
});
