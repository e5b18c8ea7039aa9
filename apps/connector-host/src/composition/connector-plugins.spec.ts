import { ConnectorRegistry, ConnectorSdkModule } from '@event-connectors/connector-sdk';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { callsOutlastingLeases } from '../cluster/call-budget-check.js';
import { readHostConfig } from '../config/host.config.js';
import { CONNECTOR_PLUGINS, connectorModules, readConnectorOptions, threadConnectorOptions } from './connector-plugins.js';

describe('connectorModules', () => {
  it('loads every plugin of the composition root by default', () => {
    expect(
      connectorModules(readConnectorOptions(readHostConfig({ APP_ENV: 'production' }), {})).map((module) => module.module.name),
    ).toEqual(Object.keys(CONNECTOR_PLUGINS).map(() => expect.stringMatching(/ConnectorModule$/)));
  });

  it('loads only the configured types and refuses an unknown one by name', () => {
    expect(
      connectorModules(readConnectorOptions(readHostConfig({ CONNECTORS: 'kinesis', APP_ENV: 'production' }), {})).map(
        (module) => module.module.name,
      ),
    ).toEqual(['KinesisConnectorModule']);
    expect(() => readConnectorOptions(readHostConfig({ CONNECTORS: 'kinesis,carrier-pigeon' }), {})).toThrow(
      `unknown connector types: carrier-pigeon (known: ${Object.keys(CONNECTOR_PLUGINS).join(', ')})`,
    );
  });

  it("hands delivery's thread its options as plain data that survive the trip between threads, whatever is loaded", () => {
    const options = readConnectorOptions(readHostConfig({ KINESIS_ENDPOINT: 'http://127.0.0.1:4567' }), {
      KINESIS_ENDPOINT: 'http://127.0.0.1:4567',
    });
    expect(Object.keys(options)).toEqual(Object.keys(CONNECTOR_PLUGINS));
    const forThread = threadConnectorOptions(options, {} as never);
    // What a worker thread receives is a structured clone: the same modules must come out of it.
    const received = structuredClone(forThread);
    expect(received).toEqual(options);
    expect(connectorModules(received).map((module) => module.module.name)).toEqual(
      connectorModules(options).map((module) => module.module.name),
    );
  });

  it('loads, on a shared store, connectors whose calls fit a lease by default; one configured past it refuses the boot by name', async () => {
    const env = {
      APP_ENV: 'production',
      DATABASE_URL: 'postgres://127.0.0.1:5432/host',
      SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      KINESIS_ENDPOINT: 'http://127.0.0.1:4567',
    };
    const loaded = async (extra: Record<string, string>) => {
      const config = readHostConfig({ ...env, ...extra });
      const module = await Test.createTestingModule({
        imports: [ConnectorSdkModule, ...connectorModules(readConnectorOptions(config, { ...env, ...extra }))],
      }).compile();
      await module.init();
      const problems = callsOutlastingLeases(module.get(ConnectorRegistry).all(), config);
      await module.close();
      return problems;
    };
    expect(await loaded({})).toEqual([]);
    expect(await loaded({ KINESIS_REQUEST_TIMEOUT_MS: '9000' })).toEqual([expect.stringContaining('"kinesis" may take 11000 ms')]);
  });
});
