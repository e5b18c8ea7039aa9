import { randomUUID } from 'node:crypto';
import { DOCUMENTED_EXAMPLE } from '@event-connectors/connector-sdk/testing';
import { InProcessKinesalite, LoopbackSts, RecordingKinesisProxy } from '@event-connectors/kinesis-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretBox } from '../apps/connector-host/src/secrets/secret-box.js';
import { SECRET_BOX } from '../apps/connector-host/src/setups/secret-box.provider.js';
import { DatabaseService } from '../apps/connector-host/src/store/database.service.js';
import { audienceBinding, kinesisConnector, profileEvent, REGION } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

// Kinesis set-ups that assume the customer's role, through the API of the real host: its STS calls go to a
// loopback STS (no package emulates STS; LoopbackSts is the suite's one hand-written AWS peer) with the host's
// own keys, and its Kinesis calls to kinesalite through a proxy that records which credentials signed each. The
// external id is the one the host issues the site (GET /v1/sites/:siteNumber/issued), as a customer would put it
// in the role's trust policy.

const ROLE = 'arn:aws:iam::123456789012:role/activation-stream-writer';
const OTHER_ROLE = 'arn:aws:iam::123456789012:role/other-writer';
const HOST_KEY_ID = 'AKIAHOSTIDENTITY0042';
let kinesis: InProcessKinesalite;
let proxy: RecordingKinesisProxy;
let sts: LoopbackSts;
let host: TestHost;
/** What the host issued site 1234: the external id its roles' trust policies require. */
let EXTERNAL_ID: string;

const HOST_ENV = { KINESIS_STS_ENDPOINT: '', AWS_ACCESS_KEY_ID: HOST_KEY_ID, AWS_SECRET_ACCESS_KEY: 'k'.repeat(40) };

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  proxy = await RecordingKinesisProxy.start(kinesis.endpoint);
  sts = await LoopbackSts.start();
  HOST_ENV.KINESIS_STS_ENDPOINT = sts.endpoint;
  host = await TestHost.start(proxy.endpoint, { env: HOST_ENV });
  EXTERNAL_ID = (await host.request('GET', '/v1/sites/1234/issued')).body.externalId;
  sts.allowRole(ROLE, EXTERNAL_ID);
  sts.allowRole(OTHER_ROLE, EXTERNAL_ID);
});
afterAll(async () => {
  await host?.stop(true);
  await Promise.all([proxy?.stop(), sts?.stop()]);
  await kinesis?.stop();
});

const roleSettings = (streamName: string, overrides: Record<string, unknown> = {}) => ({
  credentialMode: 'assumeRole',
  roleArn: ROLE,
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

describe('the external id the host issues each site', () => {
  it('is stable, unguessable, one per site, and shown to the site only', async () => {
    const again = (await host.request('GET', '/v1/sites/1234/issued')).body;
    expect(again).toEqual({ siteNumber: 1234, externalId: EXTERNAL_ID });
    expect(EXTERNAL_ID).toMatch(/^ec-1234-[0-9a-f]{40}$/);
    const other = (await host.request('GET', '/v1/sites/8/issued')).body.externalId;
    expect(other).toMatch(/^ec-8-[0-9a-f]{40}$/);
    expect((await host.request('GET', '/v1/sites/0/issued')).status).toBe(400);
    expect((await host.request('GET', '/v1/sites/abc/issued')).body.errors).toEqual([
      { field: 'siteNumber', message: 'siteNumber must be an integer from 1 to 2147483647' },
    ]);
  });

  it('is never taken from the tenant: a set-up naming an external id is refused, naming the field', async () => {
    const stream = await newStream();
    const typed = await host.request(
      'POST',
      '/v1/connectors',
      kinesisConnector(stream, { settings: roleSettings(stream, { externalId: 'mine-123' }) }),
    );
    expect(typed.status).toBe(400);
    expect(typed.body.errors).toEqual([{ field: 'settings.externalId', message: expect.stringContaining('issued by this service') }]);
  });
});

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
    // The external id is the one the host issued the site: shown, read-only (it is no secret: AWS says so too).
    expect(role.body.settings).toEqual({
      credentialMode: 'assumeRole',
      roleArn: ROLE,
      region: REGION,
      streamName: roleStream,
      externalId: EXTERNAL_ID,
      secretAccessKeySet: false,
    });

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
    // The session is named for the site and the set-up: the customer's CloudTrail tells whose writes these are.
    expect(sts.issued.at(-1)?.roleSessionName).toBe(`ec-s1234-${role.body.id}`);
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
    // A role whose trust policy requires another external id than the site's.
    const elsewhere = 'arn:aws:iam::123456789012:role/trusts-another-id';
    sts.allowRole(elsewhere, 'not-the-issued-id');
    const wrong = kinesisConnector(stream, { settings: roleSettings(stream, { roleArn: elsewhere }) });
    const strict = await host.request('POST', '/v1/connectors?strict=true', wrong);
    expect(strict.status).toBe(422);
    expect(strict.body.check.problem.code).toBe('assume_role_denied');
    const saved = await host.request('POST', '/v1/connectors', wrong);
    expect(saved.status).toBe(201);
    expect(saved.body.check.problem).toEqual({ code: 'assume_role_denied', message: expect.stringContaining(elsewhere) });
    // The problem says which external id to put in the trust policy.
    expect(saved.body.check.problem.message).toContain(`"${EXTERNAL_ID}"`);
    const sourceId = (await host.request('POST', '/v1/bindings', audienceBinding(saved.body.id))).body.source.id;
    expect((await host.request('POST', '/v1/events', { events: [profileEvent(sourceId)] })).status).toBe(202);
    const health = await eventually('the connector to pause', async () => {
      const { connectors } = (await host.request('GET', '/health/connectors')).body;
      const mine = connectors.find((connector: { id: string }) => connector.id === saved.body.id);
      return mine?.status === 'paused' ? mine : undefined;
    });
    expect(health).toMatchObject({ backlog: 1, deadLetters: 0, pausedReason: expect.stringContaining('AssumeRoleDenied') });
  });

  it('takes a new role with the same issued external id, and switches from keys to a role only with the keys cleared', async () => {
    const stream = await newStream();
    const created = await host.request('POST', '/v1/connectors', kinesisConnector(stream, { settings: roleSettings(stream) }));
    const id = created.body.id;
    const changed = await host.request('PATCH', `/v1/connectors/${id}`, { settings: { roleArn: OTHER_ROLE } });
    expect(changed.status).toBe(200);
    expect(changed.body.check.ok).toBe(true);
    expect(changed.body.settings.externalId).toBe(EXTERNAL_ID);
    const typed = await host.request('PATCH', `/v1/connectors/${id}`, { settings: { externalId: 'mine-123' } });
    expect(typed.status).toBe(400);
    expect(typed.body.errors.map((error: { field: string }) => error.field)).toEqual(['settings.externalId']);

    const keys = await host.request('POST', '/v1/connectors', kinesisConnector(stream));
    const toRole = { credentialMode: 'assumeRole', roleArn: ROLE };
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
      externalId: EXTERNAL_ID,
      secretAccessKeySet: false,
    });
    expect(cleared.body.check).toMatchObject({ ok: true, details: { credentialMode: 'assumeRole' } });
    // And back to keys: the issued id goes with the role.
    const back = await host.request('PATCH', `/v1/connectors/${keys.body.id}`, {
      settings: {
        credentialMode: 'accessKeys',
        roleArn: null,
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
    });
    expect(back.status).toBe(200);
    expect(back.body.settings.externalId).toBeUndefined();
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

describe("roles without a confused deputy: no tenant writes into another tenant's stream", () => {
  it('refuses a role another site holds (409), lets no site squat one, and never writes with a role that does not trust the site', async () => {
    const [eightStream, sevenStream] = [await newStream(), await newStream()];
    const sevenId = (await host.request('GET', '/v1/sites/7/issued')).body.externalId;
    const eightId = (await host.request('GET', '/v1/sites/8/issued')).body.externalId;
    const save = (siteNumber: number, roleArn: string, stream = eightStream) =>
      host.request('POST', '/v1/connectors', kinesisConnector(stream, { siteNumber, settings: roleSettings(stream, { roleArn }) }));

    // Site 7 names site 8's role first: its check fails (the role trusts site 8's id only), so it claims nothing,
    // and site 8 saves its own role afterwards as if site 7 had never tried.
    const eightRole = 'arn:aws:iam::210987654321:role/site-8-writer';
    sts.allowRole(eightRole, eightId);
    const squat = await save(7, eightRole);
    expect(squat.status).toBe(201);
    expect(squat.body.check.problem.code).toBe('assume_role_denied');
    const eight = await save(8, eightRole);
    expect(eight.status).toBe(201);
    expect(eight.body.check.ok).toBe(true);

    // A role whose policy lists both sites' ids: the site that saved it first with a passing check holds it.
    const both = 'arn:aws:iam::210987654321:role/trusts-both';
    sts.allowRole(both, [eightId, sevenId]);
    expect((await save(8, both)).status).toBe(201);
    const taken = await save(7, both);
    expect(taken.status, JSON.stringify(taken.body)).toBe(409);
    expect(taken.body.message).toContain('settings.roleArn');
    // Also spelled in other case: IAM role names are case-insensitive.
    expect((await save(7, both.replace('trusts-both', 'TRUSTS-BOTH'))).status).toBe(409);

    // A role that trusts site 8's id but that site 8 never saved: site 7 may name it, and its external id (site 7's)
    // is what the host assumes it with: STS refuses, nothing is written.
    const unclaimed = 'arn:aws:iam::210987654321:role/site-8-spare';
    sts.allowRole(unclaimed, eightId);
    const borrowed = await host.request(
      'POST',
      '/v1/connectors',
      kinesisConnector(eightStream, { siteNumber: 7, settings: roleSettings(eightStream, { roleArn: unclaimed }) }),
    );
    expect(borrowed.status).toBe(201);
    expect(borrowed.body.check.problem.code).toBe('assume_role_denied');
    const source = { type: 'audience', id: randomUUID(), number: 7, name: 'Seven' };
    expect((await host.request('POST', '/v1/bindings', audienceBinding(borrowed.body.id, { source }))).status).toBe(201);
    expect((await host.request('POST', '/v1/events', { events: [profileEvent(source.id, { siteNumber: 7 })] })).status).toBe(202);
    await eventually('the borrowing set-up to pause', async () => {
      const { connectors } = (await host.request('GET', '/health/connectors')).body;
      return connectors.find((connector: { id: string; status: string }) => connector.id === borrowed.body.id)?.status === 'paused'
        ? true
        : undefined;
    });
    expect(await kinesis.readAll(eightStream)).toEqual([]);
    expect(sts.calls.filter((call) => call.roleArn === unclaimed && call.granted)).toEqual([]);
    expect((await kinesis.readAll(sevenStream)).length).toBe(0);
  });

  it("refuses on save a role of this service's own account, and a role whose trust policy does not require the external id", async () => {
    const stream = await newStream();
    const own = `arn:aws:iam::${sts.hostAccount}:role/connector-host-internal`;
    sts.allowRole(own, EXTERNAL_ID);
    const ownAnswer = await host.request(
      'POST',
      '/v1/connectors',
      kinesisConnector(stream, { settings: roleSettings(stream, { roleArn: own }) }),
    );
    expect(ownAnswer.status).toBe(400);
    expect(ownAnswer.body.errors).toEqual([
      { field: 'settings.roleArn', message: expect.stringContaining("this service's own AWS account") },
    ]);
    const open = 'arn:aws:iam::123456789012:role/trusts-anyone';
    sts.allowRole(open, null);
    const openAnswer = await host.request(
      'POST',
      '/v1/connectors',
      kinesisConnector(stream, { settings: roleSettings(stream, { roleArn: open }) }),
    );
    expect(openAnswer.status).toBe(400);
    expect(openAnswer.body.errors).toEqual([
      { field: 'settings.roleArn', message: expect.stringContaining(`"sts:ExternalId": "${EXTERNAL_ID}"`) },
    ]);
  });

  it('moves a set-up saved with a typed external id to the issued one on restart, and its check says what to put in the trust policy', async () => {
    const stream = await newStream();
    const created = (await host.request('POST', '/v1/connectors', kinesisConnector(stream, { settings: roleSettings(stream) }))).body;
    // Make it look as the previous version stored it: the tenant's external id among the secrets, none visible.
    const database = host.app.get(DatabaseService, { strict: false });
    const box = host.app.get<SecretBox>(SECRET_BOX, { strict: false });
    const { externalId: _issued, ...visible } = created.settings as Record<string, unknown>;
    delete visible.secretAccessKeySet;
    await database.db
      .updateTable('connectors')
      .set({
        settings: JSON.stringify({ ...visible, roleSessionName: 'typed-session' }),
        secrets: box.seal({ externalId: 'typed-by-the-tenant' }, created.id),
      })
      .where('id', '=', created.id)
      .execute();
    // And one saved now, which carries the issued id already: a restart leaves it alone.
    const current = (await host.request('POST', '/v1/connectors', kinesisConnector(stream, { settings: roleSettings(stream) }))).body;
    const dataDir = host.dataDir;
    await host.stop();
    host = await TestHost.start(proxy.endpoint, { dataDir, env: HOST_ENV });
    expect((await host.request('GET', `/v1/connectors/${current.id}`)).body.updatedAt).toBe(current.updatedAt);
    const after = (await host.request('GET', `/v1/connectors/${created.id}`)).body;
    expect(after.settings).toEqual({
      credentialMode: 'assumeRole',
      roleArn: ROLE,
      region: REGION,
      streamName: stream,
      externalId: EXTERNAL_ID,
      secretAccessKeySet: false,
    });
    // Its role trusts the typed id only: the check names the issued one to put there instead.
    const typedOnly = 'arn:aws:iam::123456789012:role/trusts-the-typed-id';
    sts.allowRole(typedOnly, 'typed-by-the-tenant');
    const [row] = await host.app
      .get(DatabaseService, { strict: false })
      .db.selectFrom('connectors')
      .select('settings')
      .where('id', '=', created.id)
      .execute();
    await host.app
      .get(DatabaseService, { strict: false })
      .db.updateTable('connectors')
      .set({ settings: row.settings.replace(ROLE, typedOnly) })
      .where('id', '=', created.id)
      .execute();
    const check = (await host.request('POST', `/v1/connectors/${created.id}/check`)).body;
    expect(check.problem).toEqual({ code: 'assume_role_denied', message: expect.stringContaining(`sts:ExternalId = "${EXTERNAL_ID}"`) });
  });
});
