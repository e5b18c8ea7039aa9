import { describe, expect, it } from 'vitest';
import { loadConnectorModules } from './connector-catalog.js';
import { readHostConfig } from './host.config.js';

describe('readHostConfig', () => {
  it('has embedded defaults: loopback, ./data, every connector', () => {
    expect(readHostConfig({})).toMatchObject({
      production: false,
      host: '127.0.0.1',
      port: 3000,
      databasePath: 'data/connector-host.db',
      connectorTypes: [],
      delivery: { lingerMs: 50, maxMessageAgeMs: 86_400_000 },
    });
  });

  it('lists every malformed value at once', () => {
    let message = '';
    try {
      readHostConfig({ PORT: 'eighty', DELIVERY_LINGER_MS: '-1', SECRETS_KEY: 'short', LOG_LEVEL: 'chatty' });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const key of ['PORT', 'DELIVERY_LINGER_MS', 'SECRETS_KEY', 'LOG_LEVEL']) expect(message).toContain(key);
  });

  it('reads the connector list', () => {
    expect(readHostConfig({ CONNECTORS: ' kinesis , ' }).connectorTypes).toEqual(['kinesis']);
  });
});

describe('loadConnectorModules', () => {
  it('loads every catalogued module by default and refuses an unknown type by name', () => {
    expect(loadConnectorModules([]).map((module) => module.name)).toEqual(['KinesisConnectorModule']);
    expect(() => loadConnectorModules(['kinesis', 'carrier-pigeon'])).toThrow(/unknown connector types: carrier-pigeon \(known: kinesis\)/);
  });
});
