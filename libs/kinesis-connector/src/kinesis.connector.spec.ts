import { runConnectorContract } from '@event-connectors/connector-sdk/testing';
import { type ConnectorInstance, validateSettings } from '@event-connectors/connector-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveKinesisOptions } from './kinesis-connector.options.js';
import { KinesisConnector } from './kinesis.connector.js';
import type { KinesisSettings } from './kinesis.settings.js';
import { InProcessKinesalite, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY } from './testing/in-process-kinesalite.js';

const REGION = 'eu-west-1';
const STREAM = 'contract-stream';
let kinesis: InProcessKinesalite;

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  await kinesis.createStream(STREAM, 2);
});
afterAll(async () => {
  await Promise.all(opened.map((instance) => instance.close()));
  await kinesis.stop();
});

const settings = (overrides: Partial<KinesisSettings> = {}): Record<string, unknown> => ({
  accessKeyId: TEST_ACCESS_KEY_ID,
  secretAccessKey: TEST_SECRET_ACCESS_KEY,
  region: REGION,
  streamName: STREAM,
  ...overrides,
});
const connectorFor = (endpoint: string, options: { autoCreateStreams?: boolean } = {}) =>
  new KinesisConnector(resolveKinesisOptions({ endpoint, connectTimeoutMs: 500, ...options }));
const opened: ConnectorInstance[] = [];
const open = (form: Record<string, unknown>, options: { autoCreateStreams?: boolean } = {}) => {
  const connector = connectorFor(kinesis.endpoint, options);
  const validation = validateSettings(connector, form);
  if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
  const instance = connector.open({ id: 'test', settings: validation.settings });
  opened.push(instance);
  return instance;
};
// Port 9 (discard) on loopback: nothing listens there, so connections are refused at once.
const UNREACHABLE = 'http://127.0.0.1:9';

runConnectorContract({
  live: { connector: () => connectorFor(kinesis?.endpoint ?? UNREACHABLE), settings: () => settings() },
  unreachable: { connector: () => connectorFor(UNREACHABLE), settings: () => settings() },
  readBack: async (_settings, key) =>
    (await kinesis.readAll(STREAM)).filter((record) => record.partitionKey === key).map((record) => record.data),
});

describe('KinesisConnector against kinesalite', () => {
  it("check() reports the stream's shard count, status, region and record size", async () => {
    const result = await open(settings()).check();
    expect(result).toEqual({
      ok: true,
      details: expect.objectContaining({ streamStatus: 'ACTIVE', shardCount: 2, region: REGION, maxRecordSizeKiB: 1024 }),
    });
  });

  it('check() names a stream that does not exist, with its region', async () => {
    const result = await open(settings({ streamName: 'no-such-stream' })).check();
    expect(result.ok).toBe(false);
    expect(result.problem).toEqual({ code: 'stream_not_found', message: 'Stream "no-such-stream" was not found in region eu-west-1' });
  });

  it("check() names a region that is not the stream's", async () => {
    const result = await open(settings({ region: 'us-east-1' })).check();
    expect(result.problem?.code).toBe('region_mismatch');
    expect(result.problem?.message).toContain('eu-west-1');
  });

  it('check() names an unreachable endpoint', async () => {
    const connector = connectorFor(UNREACHABLE);
    const validation = validateSettings(connector, settings());
    const instance = connector.open({ id: 'down', settings: validation.ok ? validation.settings : (undefined as never) });
    opened.push(instance);
    const result = await instance.check();
    expect(result.problem?.code).toBe('endpoint_unreachable');
    expect(result.problem?.message).toContain('127.0.0.1:9');
  });

  it('delivers with the shard id and sequence number of each record, partition key = the message key', async () => {
    const outcomes = await open(settings()).deliver([
      { id: '1', partitionKey: 'receipt-profile', body: '{"a":1}' },
      { id: '2', partitionKey: 'receipt-profile', body: '{"a":2}' },
    ]);
    expect(outcomes).toEqual([
      { status: 'delivered', receipt: { shardId: expect.stringMatching(/^shardId-/), sequenceNumber: expect.stringMatching(/^\d+$/) } },
      { status: 'delivered', receipt: { shardId: expect.stringMatching(/^shardId-/), sequenceNumber: expect.stringMatching(/^\d+$/) } },
    ]);
    const records = (await kinesis.readAll(STREAM)).filter((record) => record.partitionKey === 'receipt-profile');
    expect(records.map((record) => record.data)).toEqual(['{"a":1}', '{"a":2}']);
  });

  it("before the stream's limit is known, a record over 1 MiB waits (retryable) while its neighbours go", async () => {
    const outcomes = await open(settings()).deliver([
      { id: '1', partitionKey: 'wait-a', body: '"small"' },
      { id: '2', partitionKey: 'wait-b', body: JSON.stringify('x'.repeat(1024 * 1024)) },
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['delivered', 'retryable']);
    expect(outcomes[1]).toMatchObject({ reason: { code: 'StreamLimitUnknown' } });
  });

  it('learns the limit when such a record shows up, and then refuses it for good (this stream takes 1 MiB)', async () => {
    const instance = open(settings());
    const big = [{ id: '1', partitionKey: 'learn-b', body: JSON.stringify('x'.repeat(1024 * 1024)) }];
    expect((await instance.deliver(big))[0]).toMatchObject({ status: 'retryable', reason: { code: 'StreamLimitUnknown' } });
    let outcome = (await instance.deliver(big))[0];
    for (let attempt = 0; attempt < 50 && outcome.status === 'retryable'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      outcome = (await instance.deliver(big))[0];
    }
    expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'RecordTooLarge' } });
  });

  it('rejects an oversized record alone and delivers its neighbours, once the limit is known', async () => {
    const instance = open(settings());
    await instance.check(); // learns the stream's record size limit (1 MiB here)
    const outcomes = await instance.deliver([
      { id: '1', partitionKey: 'size-a', body: '"small"' },
      { id: '2', partitionKey: 'size-b', body: JSON.stringify('x'.repeat(1024 * 1024)) },
      { id: '3', partitionKey: 'size-c', body: '"small"' },
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['delivered', 'rejected', 'delivered']);
    expect(outcomes[1]).toMatchObject({ reason: { code: 'RecordTooLarge' } });
  });

  it('rejects every message of a batch whose stream does not exist, as a problem of the set-up', async () => {
    const outcomes = await open(settings({ streamName: 'deleted-stream' })).deliver([
      { id: '1', partitionKey: 'k1', body: '{}' },
      { id: '2', partitionKey: 'k2', body: '{}' },
    ]);
    expect(outcomes).toEqual([
      {
        status: 'rejected',
        reason: { code: 'ResourceNotFoundException', message: expect.any(String), scope: 'destination', category: 'not_found' },
      },
      {
        status: 'rejected',
        reason: { code: 'ResourceNotFoundException', message: expect.any(String), scope: 'destination', category: 'not_found' },
      },
    ]);
  });

  it('creates a missing stream on first use only when told to (emulators)', async () => {
    const instance = open(settings({ streamName: 'created-on-demand' }), { autoCreateStreams: true });
    expect(await instance.deliver([{ id: '1', partitionKey: 'k', body: '{"on":"demand"}' }])).toEqual([
      expect.objectContaining({ status: 'delivered' }),
    ]);
    expect((await kinesis.readAll('created-on-demand')).map((record) => record.data)).toEqual(['{"on":"demand"}']);
  });
});
