import { runConnectorContract } from '@event-connectors/connector-sdk/testing';
import { type ConnectorInstance, validateSettings } from '@event-connectors/connector-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveKinesisOptions } from './kinesis-connector.options.js';
import { KinesisConnector } from './kinesis.connector.js';
import { KinesisLocalProcess } from './testing/kinesis-local-process.js';
import { TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY } from './testing/in-process-kinesalite.js';

// The same contract, and the wire-level cases of the lean PutRecords path, against a second, independent
// implementation of the Kinesis API (kinesis-mock's Node build), so neither is fitted to kinesalite alone.
const REGION = 'us-west-2';
const STREAM = 'contract-stream';
let kinesis: KinesisLocalProcess;

beforeAll(async () => {
  kinesis = await KinesisLocalProcess.start(REGION, { [STREAM]: 2 });
}, 60_000);
afterAll(async () => {
  await Promise.all(opened.map((instance) => instance.close()));
  await kinesis?.stop();
});

const settings = (streamName = STREAM): Record<string, unknown> => ({
  accessKeyId: TEST_ACCESS_KEY_ID,
  secretAccessKey: TEST_SECRET_ACCESS_KEY,
  region: REGION,
  streamName,
});
const UNREACHABLE = 'http://127.0.0.1:9';
const connectorFor = (endpoint: string) => new KinesisConnector(resolveKinesisOptions({ endpoint, connectTimeoutMs: 500 }));
const opened: ConnectorInstance[] = [];
const open = (form: Record<string, unknown>) => {
  const connector = connectorFor(kinesis.endpoint);
  const validation = validateSettings(connector, form);
  if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
  const instance = connector.open({ id: 'kinesis-local', settings: validation.settings });
  opened.push(instance);
  return instance;
};

runConnectorContract({
  live: { connector: () => connectorFor(kinesis?.endpoint ?? UNREACHABLE), settings: () => settings() },
  unreachable: { connector: () => connectorFor(UNREACHABLE), settings: () => settings() },
  readBack: async (_settings, key) =>
    (await kinesis.readAll(STREAM)).filter((record) => record.partitionKey === key).map((record) => record.data),
});

describe('KinesisConnector against kinesis-local', () => {
  it('delivers unicode bodies and keys byte for byte, with receipts', async () => {
    const body = JSON.stringify({ name: 'Zoë "quoted" \\ 東京 🚀', n: 1 });
    const outcomes = await open(settings()).deliver([{ id: '1', partitionKey: 'clé-東京-"q"', body }]);
    expect(outcomes).toEqual([
      { status: 'delivered', receipt: { shardId: expect.stringMatching(/^shardId-/), sequenceNumber: expect.stringMatching(/^\d+$/) } },
    ]);
    const records = (await kinesis.readAll(STREAM)).filter((record) => record.partitionKey === 'clé-東京-"q"');
    expect(records.map((record) => record.data)).toEqual([body]);
  });

  it('names a missing stream with the code the SDK would give it, as a problem of the set-up', async () => {
    const outcomes = await open(settings('no-such-stream')).deliver([{ id: '1', partitionKey: 'k', body: '{}' }]);
    expect(outcomes).toEqual([
      {
        status: 'rejected',
        reason: { code: 'ResourceNotFoundException', message: expect.any(String), scope: 'destination', category: 'not_found' },
      },
    ]);
  });

  it('names the stream by ARN when the set-up gives one (StreamARN alone on every call) and reports its account', async () => {
    // kinesis-local resolves StreamARN (kinesalite needs StreamName, so this runs here).
    const streamArn = `arn:aws:kinesis:${REGION}:000000000000:stream/${STREAM}`;
    const form: Record<string, unknown> = { ...settings(), streamArn };
    delete form.streamName;
    const instance = open(form);
    const check = await instance.check();
    expect(check).toMatchObject({ ok: true, details: { streamArn, account: '000000000000', streamMode: 'PROVISIONED', shardCount: 2 } });
    const body = '{"by":"arn"}';
    expect((await instance.deliver([{ id: '1', partitionKey: 'by-arn', body }]))[0].status).toBe('delivered');
    expect((await kinesis.readAll(STREAM)).filter((record) => record.partitionKey === 'by-arn').map((record) => record.data)).toEqual([
      body,
    ]);
    const missing = open({ ...form, streamArn: `arn:aws:kinesis:${REGION}:000000000000:stream/no-such-stream` });
    expect((await missing.check()).problem).toEqual({
      code: 'stream_not_found',
      message: `Stream "no-such-stream" was not found in region ${REGION} of account 000000000000`,
    });
  });
});
