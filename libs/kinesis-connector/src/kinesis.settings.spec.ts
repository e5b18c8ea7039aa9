import { validateSettings } from '@event-connectors/connector-sdk';
import { describe, expect, it } from 'vitest';
import { KinesisConnector } from './kinesis.connector.js';
import { resolveKinesisOptions } from './kinesis-connector.options.js';

const connector = new KinesisConnector(resolveKinesisOptions({}));
const valid = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'eu-west-1',
  streamName: 'customer-events_1.v2',
};

function failures(settings: Record<string, unknown>) {
  const result = validateSettings(connector, settings);
  return result.ok ? [] : result.errors;
}

describe('KinesisSettings', () => {
  it('accepts a complete, well-formed form', () => {
    expect(failures(valid)).toEqual([]);
  });

  it.each(['accessKeyId', 'secretAccessKey', 'region', 'streamName'])('requires %s', (field) => {
    const { [field]: _omitted, ...rest } = valid as Record<string, unknown>;
    const errors = failures(rest);
    expect(errors.map((error) => error.field)).toEqual(expect.arrayContaining([`settings.${field}`]));
    expect(errors.find((error) => error.field === `settings.${field}`)?.message).toContain(`${field} is required`);
  });

  it.each([
    ['region', 'Ireland', 'AWS region code'],
    ['region', 'eu_west_1', 'AWS region code'],
    ['region', 'EU-WEST-1', 'AWS region code'],
    ['streamName', 'has space', 'letters, digits'],
    ['streamName', 'x'.repeat(129), 'at most 128'],
    ['streamName', 'stream/with/slash', 'letters, digits'],
    ['accessKeyId', 'akiaiosfodnn7example', 'AWS access key id'],
    ['accessKeyId', 'AKIA123', 'AWS access key id'],
    ['secretAccessKey', 'too-short', 'AWS secret access key'],
    ['secretAccessKey', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY!', 'AWS secret access key'],
    ['streamName', 42, 'must be a string'],
  ])('refuses %s = %j with a clear message', (field, value, words) => {
    const errors = failures({ ...valid, [field]: value });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => error.field === `settings.${field}`)).toBe(true);
    expect(errors.map((error) => error.message).join(' ')).toContain(words);
  });

  it.each(['us-east-1', 'ap-southeast-3', 'us-gov-west-1', 'cn-northwest-1', 'il-central-1', 'eusc-de-east-1'])(
    'accepts the region %s',
    (region) => {
      expect(failures({ ...valid, region })).toEqual([]);
    },
  );

  it('refuses unknown settings, naming them', () => {
    expect(failures({ ...valid, sessionToken: 'x' }).map((error) => error.field)).toEqual(['settings.sessionToken']);
  });

  it('refuses settings named like Object.prototype members, which class-transformer would drop silently', () => {
    expect(failures({ ...valid, valueOf: 1 }).map((error) => error.field)).toEqual(['settings.valueOf']);
  });

  it('refuses a settings value that is not an object', () => {
    expect(failures('nope' as never)).toEqual([{ field: 'settings', message: 'settings must be an object' }]);
  });
});

describe('resolveKinesisOptions', () => {
  it('sends to AWS with the default timeouts when given nothing, and never creates streams there', () => {
    expect(resolveKinesisOptions({})).toEqual({
      endpoint: undefined,
      autoCreateStreams: false,
      connectTimeoutMs: 3000,
      requestTimeoutMs: 15_000,
    });
    expect(() => resolveKinesisOptions({ autoCreateStreams: true })).toThrow(/autoCreateStreams needs an endpoint/);
  });

  it('takes an endpoint and may create streams on it', () => {
    expect(resolveKinesisOptions({ endpoint: ' http://127.0.0.1:4567 ', autoCreateStreams: true })).toMatchObject({
      endpoint: 'http://127.0.0.1:4567',
      autoCreateStreams: true,
    });
  });

  it('fails fast on a value that cannot work, naming the option', () => {
    expect(() => resolveKinesisOptions({ endpoint: 'localhost:4567' })).toThrow(/endpoint must be an http\(s\) URL/);
    expect(() => resolveKinesisOptions({ connectTimeoutMs: 0 })).toThrow(/connectTimeoutMs/);
    expect(() => resolveKinesisOptions({ requestTimeoutMs: 1.5 })).toThrow(/requestTimeoutMs/);
  });
});
