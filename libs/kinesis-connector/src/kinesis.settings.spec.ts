import { settingsJsonSchema, validateSettings } from '@event-connectors/connector-sdk';
import { describe, expect, it } from 'vitest';
import { KinesisConnector } from './kinesis.connector.js';
import { resolveKinesisOptions } from './kinesis-connector.options.js';
import { streamTargetOf } from './stream-target.js';

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

describe('KinesisSettings with a role (credentialMode assumeRole)', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/activation-stream-writer';
  const role = { credentialMode: 'assumeRole', roleArn: ROLE, externalId: 'ext-id-123', region: 'eu-west-1', streamName: 'orders' };

  it("accepts a role with its (issued) external id, on any partition and path; the session name is the host's, not a setting", () => {
    expect(failures(role)).toEqual([]);
    expect(failures({ ...role, roleSessionName: 'acme-activations' }).map((error) => error.field)).toEqual(['settings.roleSessionName']);
    expect(failures({ ...role, roleArn: 'arn:aws-us-gov:iam::123456789012:role/team/writers/writer' })).toEqual([]);
    expect(failures({ ...role, credentialMode: 'accessKeys', roleArn: undefined, externalId: undefined, ...valid })).toEqual([]);
  });

  it.each([
    [{ roleArn: undefined }, 'settings.roleArn', 'roleArn is required'],
    [{ externalId: undefined }, 'settings.externalId', 'externalId is required'],
    [{ roleArn: 'arn:aws:iam::123:role/x' }, 'settings.roleArn', 'roleArn must be an IAM role ARN'],
    [{ roleArn: 'arn:aws:iam::123456789012:user/x' }, 'settings.roleArn', 'roleArn must be an IAM role ARN'],
    [{ externalId: 'x' }, 'settings.externalId', 'externalId must be 2 to 1224'],
    [{ externalId: 'has space' }, 'settings.externalId', 'externalId must be 2 to 1224'],
  ])('refuses %j, naming the field', (change, field, words) => {
    const errors = failures({ ...role, ...change });
    expect(errors.map((error) => error.field)).toEqual([field]);
    expect(errors[0].message).toContain(words);
  });

  it('refuses an unknown credential mode', () => {
    expect(failures({ ...valid, credentialMode: 'sso' })).toContainEqual({
      field: 'settings.credentialMode',
      message: 'credentialMode must be accessKeys or assumeRole',
    });
  });

  it("refuses the other mode's fields beside the chosen ones, so no unused secret lingers", () => {
    expect(failures({ ...role, secretAccessKey: valid.secretAccessKey })).toEqual([
      {
        field: 'settings.secretAccessKey',
        message: 'secretAccessKey is only used when credentialMode is left out or accessKeys: leave it out',
      },
    ]);
    expect(failures({ ...valid, externalId: 'ext-id-123' })).toEqual([
      { field: 'settings.externalId', message: 'externalId is only used when credentialMode is assumeRole: leave it out' },
    ]);
  });

  it('describes the choice in the JSON Schema of the form: the keys by default, the role when chosen, its external id issued read-only', () => {
    const schema = settingsJsonSchema(connector) as {
      required: string[];
      allOf: unknown[];
      properties: Record<string, { writeOnly?: boolean; readOnly?: boolean }>;
    };
    expect(schema.required).toEqual(['region']);
    // Issued by the host: shown read-only, never required of (nor secret to) the tenant.
    expect(schema.properties.externalId).toMatchObject({ readOnly: true });
    expect(schema.properties.externalId.writeOnly).toBeUndefined();
    expect(schema.properties.roleSessionName).toBeUndefined();
    expect(schema.allOf).toContainEqual({
      if: { required: ['credentialMode'], properties: { credentialMode: { enum: ['assumeRole'] } } },
      then: { required: ['roleArn'] },
      else: { not: { anyOf: [{ required: ['roleArn'] }, { required: ['externalId'] }] } },
    });
  });
});

describe('KinesisSettings with a stream ARN', () => {
  const ARN = 'arn:aws:kinesis:eu-west-1:210987654321:stream/activations';
  const { streamName: _name, ...byArn } = { ...valid, streamArn: ARN };

  it('takes an ARN instead of the name, in the same region', () => {
    expect(failures(byArn)).toEqual([]);
    expect(streamTargetOf({ streamArn: ARN })).toEqual({
      streamName: 'activations',
      streamArn: ARN,
      account: '210987654321',
      params: { StreamARN: ARN },
    });
    expect(streamTargetOf({ streamName: 'orders' })).toEqual({ streamName: 'orders', params: { StreamName: 'orders' } });
  });

  it('refuses an ARN of another region, an ARN that is not a stream, and a name beside an ARN', () => {
    expect(failures({ ...byArn, region: 'us-east-1' })).toEqual([
      { field: 'settings.streamArn', message: 'streamArn is in region eu-west-1, but region is us-east-1: they must agree' },
    ]);
    expect(failures({ ...byArn, streamArn: 'arn:aws:sqs:eu-west-1:210987654321:queue' })[0].message).toContain(
      'must be a Kinesis stream ARN',
    );
    expect(failures({ ...byArn, streamName: 'activations' })).toEqual([
      { field: 'settings.streamName', message: 'streamName is only used when streamArn is left out: leave it out' },
    ]);
  });
});

describe('resolveKinesisOptions', () => {
  it('sends to AWS with the default timeouts when given nothing, and never creates streams there', () => {
    expect(resolveKinesisOptions({})).toEqual({
      endpoint: undefined,
      autoCreateStreams: false,
      connectTimeoutMs: 3000,
      requestTimeoutMs: 15_000,
      stsEndpoint: undefined,
      hostCredentials: undefined,
      assumeRoleDurationSeconds: 3600,
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
    expect(() => resolveKinesisOptions({ stsEndpoint: 'sts.local' })).toThrow(/stsEndpoint must be an http\(s\) URL/);
    expect(() => resolveKinesisOptions({ assumeRoleDurationSeconds: 600 })).toThrow(
      /assumeRoleDurationSeconds must be an integer from 900/,
    );
  });
});
