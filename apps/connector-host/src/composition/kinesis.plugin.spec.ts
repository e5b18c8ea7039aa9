import type { FactoryProvider, ValueProvider } from '@nestjs/common';
import { KINESIS_CONNECTOR_OPTIONS, type KinesisConnectorOptions } from '@event-connectors/kinesis-connector';
import type { ModuleRef } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { EnvReader } from '../config/env-reader.js';
import { readHostConfig } from '../config/host.config.js';
import { hostFacts } from './host-facts.js';
import { kinesisPlugin } from './kinesis.plugin.js';

/** The plugin's module and the options it gives the Kinesis connector (the embedded emulator's endpoint stood in). */
function plug(environment: Record<string, string>) {
  const env = new EnvReader(environment);
  const module = kinesisPlugin.module(kinesisPlugin.options(env, hostFacts(readHostConfig(environment))));
  const provider = module.providers?.find((candidate) => (candidate as { provide?: unknown }).provide === KINESIS_CONNECTOR_OPTIONS);
  const options: KinesisConnectorOptions =
    'useValue' in (provider as object)
      ? (provider as ValueProvider).useValue
      : (provider as FactoryProvider).useFactory({ endpoint: 'http://127.0.0.1:1234' });
  return { module: module, options, problems: env.problems };
}

describe('kinesisPlugin', () => {
  it('runs against the embedded emulator by default in development, and creates streams only there', () => {
    const { module, options, problems } = plug({});
    expect(problems).toEqual([]);
    expect(module.imports).toHaveLength(1);
    expect(options).toMatchObject({ endpoint: 'http://127.0.0.1:1234', autoCreateStreams: true });
  });

  it('never runs an emulator nor creates streams in production', () => {
    const { module, options } = plug({ APP_ENV: 'production' });
    expect(module.imports ?? []).toHaveLength(0);
    expect(options).toMatchObject({ endpoint: undefined, autoCreateStreams: false });
    expect(plug({ APP_ENV: 'production', KINESIS_EMULATOR: 'embedded' }).problems).toEqual([
      expect.stringMatching(/refused when APP_ENV=production/),
    ]);
    expect(plug({ APP_ENV: 'production', KINESIS_AUTO_CREATE_STREAMS: 'true' }).problems).toEqual([
      expect.stringMatching(/belong to the customer/),
    ]);
  });

  it('uses a configured endpoint instead of the emulator, with its timeouts', () => {
    const { module, options } = plug({ KINESIS_ENDPOINT: 'http://127.0.0.1:4567', KINESIS_CONNECT_TIMEOUT_MS: '500' });
    expect(module.imports ?? []).toHaveLength(0);
    expect(options).toEqual({
      endpoint: 'http://127.0.0.1:4567',
      autoCreateStreams: false,
      connectTimeoutMs: 500,
      requestTimeoutMs: 15_000,
      stsEndpoint: undefined,
      assumeRoleDurationSeconds: 3600,
    });
  });

  it("takes STS's endpoint and the host's own keys for assuming customers' roles, both keys or neither", () => {
    const { options } = plug({
      KINESIS_ENDPOINT: 'http://127.0.0.1:4567',
      KINESIS_STS_ENDPOINT: 'http://127.0.0.1:4599',
      KINESIS_ASSUME_ROLE_DURATION_SECONDS: '900',
      AWS_ACCESS_KEY_ID: 'AKIAHOSTIDENTITY0001',
      AWS_SECRET_ACCESS_KEY: 's'.repeat(40),
    });
    expect(options).toMatchObject({
      stsEndpoint: 'http://127.0.0.1:4599',
      assumeRoleDurationSeconds: 900,
      hostCredentials: { accessKeyId: 'AKIAHOSTIDENTITY0001', secretAccessKey: 's'.repeat(40) },
    });
    expect(plug({ KINESIS_ENDPOINT: 'http://127.0.0.1:4567', AWS_ACCESS_KEY_ID: 'AKIAHOSTIDENTITY0001' }).problems).toEqual([
      expect.stringMatching(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together/),
    ]);
    expect(plug({ KINESIS_ENDPOINT: 'http://127.0.0.1:4567', KINESIS_ASSUME_ROLE_DURATION_SECONDS: '60' }).problems).toHaveLength(1);
  });

  it('names every malformed value', () => {
    const { problems } = plug({ KINESIS_ENDPOINT: 'localhost:4567', KINESIS_EMULATOR: 'yes', KINESIS_EMULATOR_PORT: '70000' });
    expect(problems.join('\n')).toMatch(/KINESIS_ENDPOINT[\s\S]*KINESIS_EMULATOR must[\s\S]*KINESIS_EMULATOR_PORT/);
  });

  it("points delivery's thread at the emulator the host started, with the host's stream creation, and starts none there", () => {
    const options = kinesisPlugin.options(new EnvReader({}), hostFacts(readHostConfig({})));
    // The host's module graph, as far as the plugin asks it: the embedded emulator it started.
    const modules = { get: () => ({ endpoint: 'http://127.0.0.1:4999' }) } as unknown as ModuleRef;
    const forThread = kinesisPlugin.forThread?.(options, modules);
    expect(forThread).toEqual({ connector: { ...options.connector, endpoint: 'http://127.0.0.1:4999', autoCreateStreams: true } });
    expect(kinesisPlugin.module(forThread!).imports ?? []).toHaveLength(0);
  });
});
