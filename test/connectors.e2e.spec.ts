import { Ajv2020 } from 'ajv/dist/2020.js';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InProcessKinesalite, TEST_SECRET_ACCESS_KEY } from '@event-connectors/kinesis-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisConnector, REGION } from './support/fixtures.js';
import { TestHost } from './support/test-host.js';

const STREAM = 'connectors-e2e';
let kinesis: InProcessKinesalite;
let host: TestHost;

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  await kinesis.createStream(STREAM, 3);
  host = await TestHost.start(kinesis.endpoint);
});
afterAll(async () => {
  await host?.stop(true);
  await kinesis?.stop();
});

describe('GET /v1/connector-types', () => {
  it('lists kinesis with the JSON Schema of its form: titled fields, the documented four mandatory, secrets write-only', async () => {
    const { status, body } = await host.request('GET', '/v1/connector-types');
    expect(status).toBe(200);
    expect(body).toHaveLength(1);
    const [kinesisType] = body;
    expect(kinesisType).toMatchObject({ type: 'kinesis', displayName: 'Amazon Kinesis', secretFields: ['secretAccessKey'] });
    expect(kinesisType.schema.required).toEqual(['name', 'partnerNumber', 'settings']);
    const settings = kinesisType.schema.properties.settings;
    // The documented form (keys, region, stream name) by default; a role or a stream ARN are choices (if/then/else).
    const validate = new Ajv2020({ strict: false }).compile(settings);
    const documented = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: TEST_SECRET_ACCESS_KEY, region: REGION, streamName: STREAM };
    expect(validate(documented)).toBe(true);
    for (const field of Object.keys(documented)) {
      const { [field]: _left, ...rest } = documented as Record<string, string>;
      expect(validate(rest), `without ${field}`).toBe(false);
    }
    // The external id of a role is issued by the host: shown read-only, never secret.
    expect(settings.properties.externalId).toMatchObject({ readOnly: true });
    expect(settings.properties.externalId.writeOnly).toBeUndefined();
    expect(settings.properties.secretAccessKey).toMatchObject({ writeOnly: true, format: 'password' });
    expect(settings.properties.region.writeOnly).toBeUndefined();
    expect(settings.properties.accessKeyId).toMatchObject({ title: 'AWS access key ID', examples: ['AKIAIOSFODNN7EXAMPLE'] });
    for (const field of ['accessKeyId', 'secretAccessKey', 'region', 'streamName']) {
      expect(settings.properties[field].title).toMatch(/\S/);
      expect(settings.properties[field].description).toMatch(/\S/);
    }
    expect(kinesisType.schema.properties.name.title).toBe('Display name');
    expect(settings.additionalProperties).toBe(false);
  });
});

describe('/v1/connectors', () => {
  it('creates a connector and never shows its secret', async () => {
    const { status, body } = await host.request('POST', '/v1/connectors', kinesisConnector(STREAM));
    expect(status).toBe(201);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'kinesis',
      siteNumber: 1234,
      name: 'Customer stream',
      partnerNumber: 33,
      enabled: true,
      paused: null,
      settings: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', region: REGION, streamName: STREAM, secretAccessKeySet: true },
      // The host's values (TestHost: DELIVERY_RETRY_BASE_MS=20), none chosen.
      deliveryPolicy: {
        maxMessageAgeSeconds: 86_400,
        retryFirstDelayMs: 20,
        retryMaxDelayMs: 30_000,
        maxRecordsPerCall: null,
        maxCallsInFlight: 4,
      },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      check: { ok: true, details: expect.objectContaining({ streamStatus: 'ACTIVE', shardCount: 3 }) },
    });
    expect(JSON.stringify(body)).not.toContain(TEST_SECRET_ACCESS_KEY);
    expect(JSON.stringify((await host.request('GET', `/v1/connectors/${body.id}`)).body)).not.toContain(TEST_SECRET_ACCESS_KEY);
    expect(JSON.stringify((await host.request('GET', '/v1/connectors')).body)).not.toContain(TEST_SECRET_ACCESS_KEY);
  });

  it('stores the secret encrypted: the database file does not contain it', async () => {
    await host.request('POST', '/v1/connectors', kinesisConnector(STREAM));
    for (const file of ['connector-host.db', 'connector-host.db-wal']) {
      let content: string;
      try {
        content = readFileSync(join(host.dataDir, file)).toString('latin1');
      } catch {
        continue; // no WAL file at this moment
      }
      expect(content).not.toContain(TEST_SECRET_ACCESS_KEY);
      expect(content).not.toContain(Buffer.from(TEST_SECRET_ACCESS_KEY).toString('base64'));
    }
  });

  it('lists by site and by type', async () => {
    const other = await host.request('POST', '/v1/connectors', kinesisConnector(STREAM, { siteNumber: 777 }));
    const { body } = await host.request('GET', '/v1/connectors?siteNumber=777');
    expect(body.map((connector: { id: string }) => connector.id)).toEqual([other.body.id]);
    expect((await host.request('GET', '/v1/connectors?type=webhook')).body).toEqual([]);
  });

  it('PATCH changes what is given, keeps an omitted secret, and never changes type or site', async () => {
    const created = (await host.request('POST', '/v1/connectors', kinesisConnector(STREAM))).body;
    const patched = await host.request('PATCH', `/v1/connectors/${created.id}`, {
      name: 'Renamed',
      settings: { streamName: 'other-stream' },
      enabled: false,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'Renamed',
      enabled: false,
      settings: { streamName: 'other-stream', region: REGION, secretAccessKeySet: true },
    });
    expect(JSON.stringify(patched.body)).not.toContain(TEST_SECRET_ACCESS_KEY);
    // The kept secret still works: pointing back at the real stream checks out.
    await host.request('PATCH', `/v1/connectors/${created.id}`, { settings: { streamName: STREAM } });
    expect((await host.request('POST', `/v1/connectors/${created.id}/check`)).body.ok).toBe(true);

    for (const field of ['type', 'siteNumber', 'id']) {
      const refused = await host.request('PATCH', `/v1/connectors/${created.id}`, { [field]: field === 'siteNumber' ? 1 : 'x' });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ field, message: `property ${field} should not exist` }]);
    }
  });

  it('DELETE removes it (then 404)', async () => {
    const created = (await host.request('POST', '/v1/connectors', kinesisConnector(STREAM))).body;
    expect((await host.request('DELETE', `/v1/connectors/${created.id}`)).status).toBe(204);
    expect((await host.request('GET', `/v1/connectors/${created.id}`)).status).toBe(404);
    expect((await host.request('DELETE', `/v1/connectors/${created.id}`)).status).toBe(404);
  });

  it('answers 404 for an unknown id and 400 for an id that is not a UUID', async () => {
    const unknown = await host.request('GET', `/v1/connectors/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/was not found/);
    const malformed = await host.request('GET', '/v1/connectors/not-a-uuid');
    expect(malformed).toEqual({ status: 400, body: expect.objectContaining({ errors: [{ field: 'id', message: 'id must be a UUID' }] }) });
    expect((await host.request('POST', '/v1/connectors/nope/check')).status).toBe(400);
    expect((await host.request('PATCH', `/v1/connectors/${randomUUID()}`, { name: 'x' })).status).toBe(404);
  });

  const settings = kinesisConnector(STREAM).settings;
  const invalidBodies: [string, Record<string, unknown>, string, RegExp][] = [
    ['missing type', { ...kinesisConnector(STREAM), type: undefined }, 'type', /type is required/],
    ['unknown type', kinesisConnector(STREAM, { type: 'webhook' }), 'type', /one of the loaded connector types: kinesis/],
    ['missing siteNumber', { ...kinesisConnector(STREAM), siteNumber: undefined }, 'siteNumber', /siteNumber must be an integer/],
    ['fractional siteNumber', kinesisConnector(STREAM, { siteNumber: 1.5 }), 'siteNumber', /integer/],
    ['zero siteNumber', kinesisConnector(STREAM, { siteNumber: 0 }), 'siteNumber', /positive/],
    ['string siteNumber', kinesisConnector(STREAM, { siteNumber: '12' }), 'siteNumber', /integer/],
    ['missing name', { ...kinesisConnector(STREAM), name: undefined }, 'name', /name is required/],
    ['empty name', kinesisConnector(STREAM, { name: '' }), 'name', /name is required/],
    ['long name', kinesisConnector(STREAM, { name: 'n'.repeat(201) }), 'name', /at most 200/],
    ['missing partnerNumber', { ...kinesisConnector(STREAM), partnerNumber: undefined }, 'partnerNumber', /integer/],
    ['negative partnerNumber', kinesisConnector(STREAM, { partnerNumber: -3 }), 'partnerNumber', /positive/],
    ['missing settings', { ...kinesisConnector(STREAM), settings: undefined }, 'settings', /settings must be an object/],
    ['settings not an object', kinesisConnector(STREAM, { settings: 'x' }), 'settings', /settings must be an object/],
    [
      'missing accessKeyId',
      kinesisConnector(STREAM, { settings: { ...settings, accessKeyId: undefined } }),
      'settings.accessKeyId',
      /accessKeyId is required/,
    ],
    [
      'malformed accessKeyId',
      kinesisConnector(STREAM, { settings: { ...settings, accessKeyId: 'abc' } }),
      'settings.accessKeyId',
      /AWS access key id/,
    ],
    [
      'missing secretAccessKey',
      kinesisConnector(STREAM, { settings: { ...settings, secretAccessKey: undefined } }),
      'settings.secretAccessKey',
      /secretAccessKey is required/,
    ],
    [
      'malformed secretAccessKey',
      kinesisConnector(STREAM, { settings: { ...settings, secretAccessKey: 'short' } }),
      'settings.secretAccessKey',
      /40 characters/,
    ],
    ['missing region', kinesisConnector(STREAM, { settings: { ...settings, region: undefined } }), 'settings.region', /region is required/],
    [
      'malformed region',
      kinesisConnector(STREAM, { settings: { ...settings, region: 'Frankfurt' } }),
      'settings.region',
      /AWS region code/,
    ],
    [
      'missing streamName',
      kinesisConnector(STREAM, { settings: { ...settings, streamName: undefined } }),
      'settings.streamName',
      /streamName is required/,
    ],
    [
      'malformed streamName',
      kinesisConnector(STREAM, { settings: { ...settings, streamName: 'a b' } }),
      'settings.streamName',
      /letters, digits/,
    ],
    [
      'unknown setting',
      kinesisConnector(STREAM, { settings: { ...settings, endpoint: 'http://x' } }),
      'settings.endpoint',
      /should not exist/,
    ],
    ['unknown field', kinesisConnector(STREAM, { colour: 'blue' }), 'colour', /should not exist/],
    ['enabled not boolean', kinesisConnector(STREAM, { enabled: 'yes' }), 'enabled', /true or false/],
  ];

  it.each(invalidBodies)('POST refuses %s with a 400 naming the field', async (_case, body, field, message) => {
    const before = (await host.request('GET', '/v1/connectors')).body.length;
    const { status, body: answer } = await host.request('POST', '/v1/connectors', body);
    expect(status).toBe(400);
    expect(answer.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect(answer.errors.find((error: { field: string }) => error.field === field).message).toMatch(message);
    expect(answer.message).toMatch(message);
    expect((await host.request('GET', '/v1/connectors')).body.length).toBe(before);
  });

  it('PATCH refuses invalid settings with the field, and leaves the set-up as it was', async () => {
    const created = (await host.request('POST', '/v1/connectors', kinesisConnector(STREAM))).body;
    const refused = await host.request('PATCH', `/v1/connectors/${created.id}`, { settings: { region: 'nowhere' } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('settings.region');
    const { check: _check, ...saved } = created;
    expect((await host.request('GET', `/v1/connectors/${created.id}`)).body).toEqual(saved);
    expect((await host.request('PATCH', `/v1/connectors/${created.id}`, { partnerNumber: 0 })).status).toBe(400);
  });

  it('refuses a body that is not JSON', async () => {
    expect((await host.request('POST', '/v1/connectors', '{not json')).status).toBe(400);
  });
});

describe('POST /v1/connectors/:id/check', () => {
  async function check(overrides: Record<string, unknown>) {
    const created = (await host.request('POST', '/v1/connectors', kinesisConnector(STREAM, overrides))).body;
    return host.request('POST', `/v1/connectors/${created.id}/check`);
  }

  it('reports a usable stream with its shard count and record size', async () => {
    const { status, body } = await check({});
    expect(status).toBe(200);
    expect(body).toEqual({
      ok: true,
      details: expect.objectContaining({ streamStatus: 'ACTIVE', shardCount: 3, maxRecordSizeKiB: 1024, region: REGION }),
    });
  });

  it('says a stream does not exist, naming it and the region', async () => {
    const settings = { ...kinesisConnector(STREAM).settings, streamName: 'missing-stream' };
    const { body } = await check({ settings });
    expect(body).toEqual({
      ok: false,
      problem: { code: 'stream_not_found', message: `Stream "missing-stream" was not found in region ${REGION}` },
      details: {},
    });
  });

  it('says the region is wrong when the stream answers from another one', async () => {
    const { body } = await check({ settings: { ...kinesisConnector(STREAM).settings, region: 'us-west-2' } });
    expect(body.ok).toBe(false);
    expect(body.problem.code).toBe('region_mismatch');
  });

  it('says the endpoint is unreachable', async () => {
    const offline = await TestHost.start('http://127.0.0.1:9');
    try {
      const created = (await offline.request('POST', '/v1/connectors', kinesisConnector(STREAM))).body;
      const { body } = await offline.request('POST', `/v1/connectors/${created.id}/check`);
      expect(body.ok).toBe(false);
      expect(body.problem.code).toBe('endpoint_unreachable');
      expect(JSON.stringify(body)).not.toContain(TEST_SECRET_ACCESS_KEY);
    } finally {
      await offline.stop(true);
    }
  });
});
