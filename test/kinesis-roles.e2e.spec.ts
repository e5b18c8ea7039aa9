import { randomUUID } from 'node:crypto';
import { DOCUMENTED_EXAMPLE } from '@event-connectors/connector-sdk/testing';
import { InProcessKinesalite, LoopbackSts, RecordingKinesisProxy } from '@event-connectors/kinesis-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, kinesisConnector, profileEvent, REGION } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

// Kinesis set-ups that assume the customer's role, through the API of the real host: its STS calls go to a
// loopback STS (no package emulates STS; LoopbackSts is the suite's one hand-written AWS peer) with the host's
// own keys, and its Kinesis calls to kinesalite through a proxy that records which credentials signed each.

const ROLE = 'arn:aws:iam::123456789012:role/activation-stream-writer';
const OTHER_ROLE = 'arn:aws:iam::123456789012:role/other-writer';
const EXTERNAL_ID = 'acme-external-id-2026';
const HOST_KEY_ID = 'AKIAHOSTIDENTITY0042';
let kinesis: InProcessKinesalite;
let proxy: RecordingKinesisProxy;
let sts: LoopbackSts;
let host: TestHost;

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  proxy = await RecordingKinesisProxy.start(kinesis.endpoint);
  sts = await LoopbackSts.start();
  sts.allowRole(ROLE, EXTERNAL_ID);
  sts.allowRole(OTHER_ROLE, 'other-external-id');
  host = await TestHost.start(proxy.endpoint, {
    env: { KINESIS_STS_ENDPOINT: sts.endpoint, AWS_ACCESS_KEY_ID: HOST_KEY_ID, AWS_SECRET_ACCESS_KEY: 'k'.repeat(40) },
  });
});
afterAll(async () => {
  await host?.stop(true);
  await Promise.all([proxy?.stop(), sts?.stop()]);
  await kinesis?.stop();
});

const roleSettings = (streamName: string, overrides: Record<string, unknown> = {}) => ({
  credentialMode: 'assumeRole',
  roleArn: ROLE,
  externalId: EXTERNAL_ID,
  region: REGION,
  streamName,
  ...overrides,
});

async function newStream(): Promise<string> {
  const stream = `roles-${randomUUID().slice(0, 8)}`;
  await kinesis.createStream(stream, 1);
  return stream;
}

async function records(stream: string, count: number) {
  return eventually(`${count} records in ${stream}`, async () => {
    const all = await kinesis.readAll(stream);
    return all.length >= count ? all : undefined;
  });
}

describe('Kinesis set-ups by role, through the API', () => {
  it('delivers the documented message with access keys (the default) and with an assumed role alike', async () => {
    const [keysStream, roleStream] = [await newStream(), await newStream()];
    const keys = await host.request('POST', '/v1/connectors', kinesisConnector(keysStream));
    const role = await host.request('POST', '/v1/connectors', kinesisConnector(roleStream, { settings: roleSettings(roleStream) }));
    expect([keys.status, role.status]).toEqual([201, 201]);
    expect(role.body.check).toMatchObject({
      ok: true,
      details: { credentialMode: 'assumeRole', assumedRole: expect.stringContaining('assumed-role') },
    });
    // The external id is a secret: write-only, like the secret key.
    expect(role.body.settings).toEqual({
      credentialMode: 'assumeRole',
      roleArn: ROLE,
      region: REGION,
      streamName: roleStream,
      externalIdSet: true,
      secretAccessKeySet: false,
    });
    expect(JSON.stringify((await host.request('GET', `/v1/connectors/${role.body.id}`)).body)).not.toContain(EXTERNAL_ID);

    const source = { type: 'audience', id: DOCUMENTED_EXAMPLE.sourceId, number: 123, name: 'Frequent buyers' };
    for (const id of [keys.body.id, role.body.id])
      expect((await host.request('POST', '/v1/bindings', audienceBinding(id, { source }))).status).toBe(201);
    const since = proxy.calls.length;
    expect((await host.request('POST', '/v1/events', { events: [profileEvent(DOCUMENTED_EXAMPLE.sourceId)] })).status).toBe(202);
    for (const stream of [keysStream, roleStream]) {
      const [record] = await records(stream, 1);
      expect(record.data).toBe(JSON.stringify(DOCUMENTED_EXAMPLE));
    }
    const puts = proxy.calls.slice(since).filter((call) => call.operation === 'PutRecords');
    const byStream = new Map(puts.map((call) => [call.body.StreamName, call]));
    expect(byStream.get(keysStream)).toMatchObject({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', sessionToken: undefined });
    const roleCall = byStream.get(roleStream)!;
    expect(sts.isValid(roleCall.accessKeyId!, roleCall.sessionToken, roleCall.at)).toBe(true);
    expect(sts.calls.every((call) => call.callerAccessKeyId === HOST_KEY_ID)).toBe(true);
  });

  it('renews short-lived role credentials during a run: every message delivered, not one failed or retried attempt', async () => {
    sts.lifetimeSeconds = 2;
    try {
      const stream = await newStream();
      const created = await host.request('POST', '/v1/connectors', kinesisConnector(stream, { settings: roleSettings(stream) }));
      const sourceId = (await host.request('POST', '/v1/bindings', audienceBinding(created.body.id))).body.source.id;
      const issuedBefore = sts.issued.length;
      const sent: string[] = [];
      for (let round = 0; round < 12; round++) {
        const events = Array.from({ length: 10 }, (_, i) => {
          const profileId = `p-${round}-${i}`;
          sent.push(profileId);
          return profileEvent(sourceId, { profile: { profileId, partnerIds: { '33': ['4'] }, properties: {} } });
        });
        expect((await host.request('POST', '/v1/events', { events })).status).toBe(202);
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      const delivered = await records(stream, sent.length);
      expect(new Set(delivered.map((record) => record.partitionKey))).toEqual(new Set(sent));
      const { totals } = (await host.request('GET', `/v1/connectors/${created.body.id}/stats`)).body;
      expect(totals).toMatchObject({ delivered: sent.length, retried: 0, failed: { invalid_credentials: 0, access_denied: 0, other: 0 } });
      // About 5 s of 2 s credentials renewed at half-life: several sessions signed the run.
      expect(sts.issued.length - issuedBefore).toBeGreaterThanOrEqual(3);
    } finally {
      sts.lifetimeSeconds = 3600;
    }
  });

  it('names a refused role on save, refuses it with ?strict=true, and pauses delivery instead of dropping messages', async () => {
    const stream = await newStream();
    const wrong = kinesisConnector(stream, { settings: roleSettings(stream, { externalId: 'not-the-agreed-id' }) });
    const strict = await host.request('POST', '/v1/connectors?strict=true', wrong);
    expect(strict.status).toBe(422);
    expect(strict.body.check.problem.code).toBe('assume_role_denied');
    const saved = await host.request('POST', '/v1/connectors', wrong);
    expect(saved.status).toBe(201);
    expect(saved.body.check.problem).toEqual({ code: 'assume_role_denied', message: expect.stringContaining(ROLE) });
    const sourceId = (await host.request('POST', '/v1/bindings', audienceBinding(saved.body.id))).body.source.id;
    expect((await host.request('POST', '/v1/events', { events: [profileEvent(sourceId)] })).status).toBe(202);
    const health = await eventually('the connector to pause', async () => {
      const { connectors } = (await host.request('GET', '/health/connectors')).body;
      const mine = connectors.find((connector: { id: string }) => connector.id === saved.body.id);
      return mine?.status === 'paused' ? mine : undefined;
    });
    expect(health).toMatchObject({ backlog: 1, deadLetters: 0, pausedReason: expect.stringContaining('AssumeRoleDenied') });
  });

  it('asks for the external id again with a new role, and switches from keys to a role only with the keys cleared', async () => {
    const stream = await newStream();
    const created = await host.request('POST', '/v1/connectors', kinesisConnector(stream, { settings: roleSettings(stream) }));
    const id = created.body.id;
    const newRole = await host.request('PATCH', `/v1/connectors/${id}`, { settings: { roleArn: OTHER_ROLE } });
    expect(newRole.status).toBe(400);
    expect(newRole.body.errors).toEqual([
      { field: 'settings.externalId', message: 'settings.externalId must be given again when roleArn changes' },
    ]);
    const changed = await host.request('PATCH', `/v1/connectors/${id}`, {
      settings: { roleArn: OTHER_ROLE, externalId: 'other-external-id' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.check.ok).toBe(true);

    const keys = await host.request('POST', '/v1/connectors', kinesisConnector(stream));
    const toRole = { credentialMode: 'assumeRole', roleArn: ROLE, externalId: EXTERNAL_ID };
    const kept = await host.request('PATCH', `/v1/connectors/${keys.body.id}`, { settings: toRole });
    expect(kept.status).toBe(400);
    expect(kept.body.errors.map((error: { field: string }) => error.field)).toEqual(['settings.secretAccessKey']);
    const cleared = await host.request('PATCH', `/v1/connectors/${keys.body.id}`, {
      settings: { ...toRole, accessKeyId: null, secretAccessKey: null },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.settings).toEqual({
      credentialMode: 'assumeRole',
      roleArn: ROLE,
      region: REGION,
      streamName: stream,
      externalIdSet: true,
      secretAccessKeySet: false,
    });
    expect(cleared.body.check).toMatchObject({ ok: true, details: { credentialMode: 'assumeRole' } });
  });

  it("shows a saved set-up's check: what the stream is, and warnings where it will hurt the consumer", async () => {
    const stream = await newStream();
    const created = await host.request('POST', '/v1/connectors', kinesisConnector(stream, { settings: roleSettings(stream) }));
    // A 3 KiB message, delivered (by delivery's thread): the store keeps its size for the next check.
    const sourceId = (await host.request('POST', '/v1/bindings', audienceBinding(created.body.id))).body.source.id;
    const large = profileEvent(sourceId, {
      profile: { profileId: 'large', partnerIds: { '33': ['4'] }, properties: { last_category: 'n'.repeat(3000) } },
    });
    expect((await host.request('POST', '/v1/events', { events: [large] })).status).toBe(202);
    await records(stream, 1);
    // No emulator reports these: the proxy adds them to kinesalite's real answer (a 2 KiB limit is invented too).
    proxy.describeExtras = {
      MaxRecordSizeInKiB: 2,
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      RecordDistributionStrategy: 'AUTO',
      EncryptionType: 'KMS',
      KeyId: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    };
    try {
      const check = await host.request('POST', `/v1/connectors/${created.body.id}/check`);
      expect(check.status).toBe(200);
      console.log(`a saved set-up's check:\n${JSON.stringify(check.body, null, 2)}`);
      expect(check.body).toMatchObject({
        ok: true,
        details: {
          streamMode: 'ON_DEMAND',
          encryption: 'KMS',
          recordDistribution: 'AUTO',
          account: '000000000000',
          credentialMode: 'assumeRole',
        },
        warnings: [
          { code: 'record_size_below_recent_messages', message: expect.stringContaining('up to 2 KiB') },
          { code: 'order_not_kept', message: expect.stringContaining('per-profile order will not hold') },
        ],
      });
    } finally {
      proxy.describeExtras = {};
    }
  });
});
