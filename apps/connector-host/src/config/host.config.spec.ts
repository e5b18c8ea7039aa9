import { describe, expect, it } from 'vitest';
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
      logLevels: ['fatal', 'error', 'warn', 'log'],
      pinoLevel: 'info',
      logFormat: 'pretty',
    });
  });

  it('lists every malformed value at once', () => {
    let message = '';
    try {
      readHostConfig({ PORT: 'eighty', DELIVERY_LINGER_MS: '-1', SECRETS_KEY: 'short', LOG_LEVEL: 'chatty', ADMIN_TOKENS: 'short-token' });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const key of ['PORT', 'DELIVERY_LINGER_MS', 'SECRETS_KEY', 'LOG_LEVEL', 'ADMIN_TOKENS entry 1']) expect(message).toContain(key);
    expect(message).not.toContain('short-token');
  });

  it('reads the connector list, log level and site-limited tokens', () => {
    const config = readHostConfig({
      CONNECTORS: ' kinesis , ',
      LOG_LEVEL: 'warn',
      APP_ENV: 'production',
      INGEST_TOKENS: 'ingest-token-0123456789@42',
    });
    expect(config.connectorTypes).toEqual(['kinesis']);
    expect(config.logLevels).toEqual(['fatal', 'error', 'warn']);
    expect(config).toMatchObject({ production: true, logFormat: 'json', pinoLevel: 'warn' });
    expect(config.ingestTokens).toEqual([{ scope: 'ingest', hash: expect.any(Buffer), siteNumber: 42 }]);
  });

  it('takes only production or development for APP_ENV (NODE_ENV: test counts as development), never a look-alike', () => {
    expect(readHostConfig({ APP_ENV: 'production' }).production).toBe(true);
    expect(readHostConfig({ APP_ENV: 'development' }).production).toBe(false);
    expect(readHostConfig({ NODE_ENV: 'production' }).production).toBe(true);
    expect(readHostConfig({ NODE_ENV: 'test' }).production).toBe(false);
    for (const [key, value] of [
      ['APP_ENV', 'prod'],
      ['APP_ENV', 'Production'],
      ['APP_ENV', 'staging'],
      ['NODE_ENV', 'prod'],
    ]) {
      expect(() => readHostConfig({ [key]: value }), `${key}=${value}`).toThrow(new RegExp(`${key} must be one of`));
    }
  });

  it('reads metrics tokens with a scope of their own', () => {
    expect(readHostConfig({ METRICS_TOKENS: 'metrics-token-0123456789' }).metricsTokens).toEqual([
      { scope: 'metrics', hash: expect.any(Buffer), siteNumber: undefined },
    ]);
  });
});
