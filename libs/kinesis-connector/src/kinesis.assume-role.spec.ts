import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ConnectorInstance, type DeliveryMessage, validateSettings } from '@event-connectors/connector-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assumeRoleFailureOf } from './credentials/assume-role-failure.js';
import { resolveKinesisOptions } from './kinesis-connector.options.js';
import { KinesisConnector } from './kinesis.connector.js';
import { InProcessKinesalite, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY } from './testing/in-process-kinesalite.js';
import { LoopbackSts } from './testing/loopback-sts.js';
import { RecordingKinesisProxy } from './testing/recording-kinesis-proxy.js';

// Set-ups that assume the customer's role: the real SDK STS client against a loopback STS (no package emulates
// STS; see LoopbackSts), kinesalite behind a proxy that records which credentials signed each call.

const REGION = 'eu-west-1';
const STREAM = 'role-stream';
const ROLE = 'arn:aws:iam::123456789012:role/activation-stream-writer';
const EXTERNAL_ID = 'acme-external-id-42';
const HOST_KEYS = { accessKeyId: 'AKIAHOSTIDENTITY0001', secretAccessKey: 'h'.repeat(40) };
let kinesis: InProcessKinesalite;
let proxy: RecordingKinesisProxy;
let sts: LoopbackSts;
const opened: ConnectorInstance[] = [];

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  await kinesis.createStream(STREAM, 1);
  proxy = await RecordingKinesisProxy.start(kinesis.endpoint);
  sts = await LoopbackSts.start();
  sts.allowRole(ROLE, EXTERNAL_ID);
});
afterAll(async () => {
  await Promise.all(opened.map((instance) => instance.close()));
  await Promise.all([proxy?.stop(), sts?.stop()]);
  await kinesis?.stop();
});

const connector = () =>
  new KinesisConnector(
    resolveKinesisOptions({ endpoint: proxy.endpoint, stsEndpoint: sts.endpoint, hostCredentials: HOST_KEYS, connectTimeoutMs: 500 }),
  );
function open(form: Record<string, unknown>, id = 'role-setup', siteNumber?: number, kinesisConnector = connector()) {
  const validation = validateSettings(kinesisConnector, form);
  if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
  const instance = kinesisConnector.open({ id, settings: validation.settings, siteNumber });
  opened.push(instance);
  return instance;
}
const roleForm = (overrides: Record<string, unknown> = {}) => ({
  credentialMode: 'assumeRole',
  roleArn: ROLE,
  externalId: EXTERNAL_ID,
  region: REGION,
  streamName: STREAM,
  ...overrides,
});
const messages = (prefix: string, count: number): DeliveryMessage[] =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, partitionKey: `${prefix}-${i}`, body: `{"n":"${prefix}-${i}"}` }));

describe('a set-up that assumes a role', () => {
  it('assumes it with the external id, as the host, under a session named for the site and set-up, and signs every call with it', async () => {
    const instance = open(roleForm(), 'role-setup', 7);
    const since = proxy.calls.length;
    const check = await instance.check();
    expect(check).toMatchObject({
      ok: true,
      details: {
        credentialMode: 'assumeRole',
        assumedRole: 'arn:aws:sts::123456789012:assumed-role/activation-stream-writer/ec-s7-role-setup',
      },
    });
    const outcomes = await instance.deliver(messages('a', 3));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['delivered', 'delivered', 'delivered']);
    // First the guard (without the external id: refused, as the trust policy requires it), then the assume itself.
    expect(sts.calls.slice(-2)).toEqual([
      {
        roleArn: ROLE,
        externalId: undefined,
        roleSessionName: 'ec-s7-role-setup',
        callerAccessKeyId: HOST_KEYS.accessKeyId,
        granted: false,
      },
      {
        roleArn: ROLE,
        externalId: EXTERNAL_ID,
        roleSessionName: 'ec-s7-role-setup',
        callerAccessKeyId: HOST_KEYS.accessKeyId,
        granted: true,
      },
    ]);
    const signed = proxy.calls.slice(since);
    expect(signed.map((call) => call.operation)).toEqual(['DescribeStreamSummary', 'PutRecords']);
    for (const call of signed) expect(sts.isValid(call.accessKeyId!, call.sessionToken, call.at)).toBe(true);
    expect((await kinesis.readAll(STREAM)).map((record) => record.data)).toEqual(expect.arrayContaining(['{"n":"a-0"}', '{"n":"a-2"}']));
  });

  it('renews short-lived credentials before they expire: every batch of a run delivered, each signed with valid ones', async () => {
    sts.lifetimeSeconds = 2;
    try {
      const instance = open(roleForm(), 'short-lived');
      const stsCallsBefore = sts.calls.length;
      const since = proxy.calls.length;
      const deadline = Date.now() + 5000;
      let batch = 0;
      while (Date.now() < deadline) {
        const outcomes = await instance.deliver(messages(`r${batch++}`, 5));
        expect(
          outcomes.every((outcome) => outcome.status === 'delivered'),
          JSON.stringify(outcomes),
        ).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const puts = proxy.calls.slice(since).filter((call) => call.operation === 'PutRecords');
      expect(puts.length).toBe(batch);
      expect(puts.every((call) => sts.isValid(call.accessKeyId!, call.sessionToken, call.at))).toBe(true);
      // 5 s of 2 s credentials renewed at half-life: several sessions, and no call ever waited for an expired one.
      expect(new Set(puts.map((call) => call.accessKeyId)).size).toBeGreaterThanOrEqual(3);
      expect(sts.calls.length - stsCallsBefore).toBeGreaterThanOrEqual(3);
    } finally {
      sts.lifetimeSeconds = 3600;
    }
  });

  it('names a refused role: assume_role_denied on check, a paused set-up (not a dropped message) on delivery', async () => {
    const instance = open(roleForm({ externalId: 'not-the-right-one' }), 'refused');
    const stsCalls = sts.calls.length;
    const check = await instance.check();
    expect(check.ok).toBe(false);
    expect(check.problem?.code).toBe('assume_role_denied');
    expect(check.problem?.message).toContain(ROLE);
    expect(check.problem?.message).toContain('external ID');
    const [outcome] = await instance.deliver(messages('x', 1));
    expect(outcome).toMatchObject({
      status: 'rejected',
      reason: { code: 'AssumeRoleDenied', scope: 'destination', category: 'access_denied' },
    });
    expect(check.problem?.message).toContain('"not-the-right-one"');
    // The refusal is answered again for a few seconds without asking STS: attempts do not become STS calls (the
    // guard's call and the assume's, once).
    expect(sts.calls.length - stsCalls).toBe(2);
  });

  it.each([
    [403, 'AccessDenied', 'Access denied: the external ID does not match the trust policy', 'external_id_mismatch'],
    [403, 'RegionDisabledException', 'STS is not activated in this region for account 111122223333', 'sts_region_disabled'],
    [403, 'ExpiredToken', 'The security token included in the request is expired', 'credentials_expired'],
  ])('names STS answering %i %s on check', async (status, code, message, problem) => {
    // STS answers the guard's call and the assume alike.
    sts.failNext(status, code, message);
    sts.failNext(status, code, message);
    const check = await open(roleForm(), `sts-${code}`).check();
    expect(check.problem?.code).toBe(problem);
  });

  it('names a host without credentials of its own (the SDK chain found none)', async () => {
    const noIdentity = new KinesisConnector(
      resolveKinesisOptions({
        endpoint: proxy.endpoint,
        stsEndpoint: sts.endpoint,
        // What the SDK's default chain throws on a machine with no credentials (it would first wait on IMDS).
        hostCredentials: () =>
          Promise.reject(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })),
      }),
    );
    const validation = validateSettings(noIdentity, roleForm());
    if (!validation.ok) throw new Error('invalid');
    const instance = noIdentity.open({ id: 'no-identity', settings: validation.settings });
    opened.push(instance);
    expect((await instance.check()).problem?.code).toBe('host_credentials_missing');
    const [outcome] = await instance.deliver(messages('h', 1));
    expect(outcome).toMatchObject({ status: 'retryable', reason: { code: 'HostCredentialsMissing' } });
  });

  it('never uses a role its trust policy lets this service assume without the external id (the confused deputy)', async () => {
    const open2 = 'arn:aws:iam::123456789012:role/open-to-anyone';
    sts.allowRole(open2, null);
    const instance = open(roleForm({ roleArn: open2 }), 'open-role', 7);
    const putsBefore = proxy.calls.filter((call) => call.operation === 'PutRecords').length;
    const check = await instance.check();
    expect(check.problem).toEqual({
      code: 'trust_policy_without_external_id',
      message: expect.stringContaining(`"sts:ExternalId": "${EXTERNAL_ID}"`),
    });
    const [outcome] = await instance.deliver(messages('open', 1));
    expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'TrustPolicyWithoutExternalId', scope: 'destination' } });
    expect(proxy.calls.filter((call) => call.operation === 'PutRecords').length).toBe(putsBefore);
  });

  it("refuses on save a role of the host's own account, and one its trust policy lets anyone assume; takes a proper one", async () => {
    const kinesisConnector = connector();
    const vet = async (form: Record<string, unknown>) => {
      const validation = validateSettings(kinesisConnector, form);
      if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
      return kinesisConnector.vetSettings(validation.settings, { siteNumber: 7 });
    };
    const hostRole = `arn:aws:iam::${sts.hostAccount}:role/connector-host-internal`;
    sts.allowRole(hostRole, EXTERNAL_ID);
    expect(await vet(roleForm({ roleArn: hostRole }))).toEqual([
      { field: 'settings.roleArn', message: expect.stringContaining(`this service's own AWS account (${sts.hostAccount})`) },
    ]);
    const anyone = 'arn:aws:iam::123456789012:role/no-condition';
    sts.allowRole(anyone, null);
    expect(await vet(roleForm({ roleArn: anyone }))).toEqual([
      { field: 'settings.roleArn', message: expect.stringContaining('without the external ID') },
    ]);
    expect(await vet(roleForm())).toEqual([]);
  });

  it("stops assuming roles for a site whose assumes STS keeps refusing (no oracle for others' trust policies), and only that site", async () => {
    const kinesisConnector = connector();
    const wrong = roleForm({ externalId: 'guess-0000' });
    for (let attempt = 0; attempt < 10; attempt++) {
      expect((await open(wrong, `guess-${attempt}`, 9, kinesisConnector).check()).problem?.code).toBe('assume_role_denied');
    }
    const stsCalls = sts.calls.length;
    const limited = await open(wrong, 'guess-10', 9, kinesisConnector).check();
    expect(limited.problem).toEqual({ code: 'assume_role_rate_limited', message: expect.stringContaining('10 attempts') });
    expect(sts.calls.length).toBe(stsCalls);
    // Another site's set-up is not held by site 9's failures.
    expect((await open(roleForm(), 'other-site', 10, kinesisConnector).check()).ok).toBe(true);
  });

  it('reads what STS says when it names the external id, and the host credentials expiring', () => {
    expect(assumeRoleFailureOf('AccessDenied', 'The external ID does not match')?.name).toBe('ExternalIdMismatch');
    expect(assumeRoleFailureOf('AccessDenied', 'User: x is not authorized to perform: sts:AssumeRole')?.name).toBe('AssumeRoleDenied');
    expect(assumeRoleFailureOf('ExpiredToken', 'The security token included in the request is expired')?.name).toBe('CredentialsExpired');
    expect(assumeRoleFailureOf('RegionDisabledException', 'STS is not activated')?.name).toBe('StsRegionDisabled');
    expect(assumeRoleFailureOf('Throttling', 'Rate exceeded')).toBeUndefined();
  });
});

describe("check()'s warnings", () => {
  const keysForm = { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY, region: REGION, streamName: STREAM };

  it('warns that order will not hold on a stream that does not route by partition key (saving still passes)', async () => {
    // No emulator reports a record distribution strategy: the proxy adds it to the real answer.
    proxy.describeExtras = { RecordDistributionStrategy: 'AUTO', StreamModeDetails: { StreamMode: 'ON_DEMAND' } };
    try {
      const check = await open(keysForm, 'auto').check();
      expect(check.ok).toBe(true);
      expect(check.details).toMatchObject({ streamMode: 'ON_DEMAND', recordDistribution: 'AUTO' });
      expect(check.warnings).toEqual([{ code: 'order_not_kept', message: expect.stringContaining('per-profile order will not hold') }]);
    } finally {
      proxy.describeExtras = {};
    }
  });

  it("warns when the stream takes smaller records than the host's recent messages, and when its KMS key refused a write", async () => {
    proxy.describeExtras = { MaxRecordSizeInKiB: 512, EncryptionType: 'KMS', KeyId: 'alias/activations' };
    proxy.putRecordsError = {
      status: 400,
      type: 'KMSAccessDeniedException',
      message: 'User is not authorized to perform kms:GenerateDataKey',
    };
    try {
      const instance = open(keysForm, 'sizes');
      const [refused] = await instance.deliver(messages('kms', 1));
      // The set-up pauses on it (scope destination); the host keeps the reason and gives it to the next check.
      expect(refused).toMatchObject({
        status: 'rejected',
        reason: { code: 'KMSAccessDeniedException', scope: 'destination', category: 'access_denied' },
      });
      if (refused.status !== 'rejected') throw new Error('expected a refusal');
      const pausedReason = `${refused.reason.code}: ${refused.reason.message}`; // as the host words it
      const check = await instance.check({ largestRecentMessageBytes: 600 * 1024 + 20, pausedReason });
      expect(check).toMatchObject({ ok: true, details: { encryption: 'KMS', kmsKeyId: 'alias/activations', maxRecordSizeKiB: 512 } });
      expect(check.warnings?.map((warning) => warning.code)).toEqual(['record_size_below_recent_messages', 'kms_access_denied']);
      expect(check.warnings?.[0].message).toContain('601 KiB');
      expect(check.warnings?.[1].message).toContain('kms:GenerateDataKey on that key');
      // Nothing to warn about when the messages fit and nothing was refused.
      expect((await instance.check({ largestRecentMessageBytes: 500 * 1024 })).warnings).toBeUndefined();
    } finally {
      proxy.describeExtras = {};
      proxy.putRecordsError = undefined;
    }
  });
});

describe('credentials_expired', () => {
  it('names an expired session token on check (a scripted endpoint: no emulator expires tokens)', async () => {
    const server = http.createServer((_request, response) => {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'ExpiredTokenException', message: 'The security token included in the request is expired' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const kinesisConnector = new KinesisConnector(resolveKinesisOptions({ endpoint, connectTimeoutMs: 500 }));
      const validation = validateSettings(kinesisConnector, {
        accessKeyId: TEST_ACCESS_KEY_ID,
        secretAccessKey: TEST_SECRET_ACCESS_KEY,
        region: REGION,
        streamName: STREAM,
      });
      if (!validation.ok) throw new Error('invalid');
      const instance = kinesisConnector.open({ id: 'expired', settings: validation.settings });
      opened.push(instance);
      const check = await instance.check();
      expect(check.problem?.code).toBe('credentials_expired');
      const [outcome] = await instance.deliver(messages('e', 1));
      expect(outcome).toMatchObject({ status: 'retryable', reason: { code: 'ExpiredTokenException', category: 'invalid_credentials' } });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
