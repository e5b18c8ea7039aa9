import { describe, expect, it } from 'vitest';
import { readHostConfig } from '../config/host.config.js';
import { CONNECTOR_PLUGINS, connectorModules } from './connector-plugins.js';

describe('connectorModules', () => {
  it('loads every plugin of the composition root by default', () => {
    expect(connectorModules(readHostConfig({ APP_ENV: 'production' }), {}).map((module) => module.module.name)).toEqual(
      Object.keys(CONNECTOR_PLUGINS).map(() => expect.stringMatching(/ConnectorModule$/)),
    );
  });

  it('loads only the configured types and refuses an unknown one by name', () => {
    expect(
      connectorModules(readHostConfig({ CONNECTORS: 'kinesis', APP_ENV: 'production' }), {}).map((module) => module.module.name),
    ).toEqual(['KinesisConnectorModule']);
    expect(() => connectorModules(readHostConfig({ CONNECTORS: 'kinesis,carrier-pigeon' }), {})).toThrow(
      /unknown connector types: carrier-pigeon \(known: kinesis, webhook\)/,
    );
  });
});
