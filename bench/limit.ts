import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { benchClient, runFor } from './kinesis-client.js';
import { newProfileId, sampleMessage } from './message-fixture.js';

// The client-side ceiling: pre-built 500-record PutRecords batches, as fast as the client can send them.
// argv: endpoint durationMs concurrency
const [endpoint, durationMs = '5000', concurrency = '4'] = process.argv.slice(2);
const client = benchClient(endpoint);
const batches = Array.from({ length: 20 }, () =>
  Array.from({ length: 500 }, () => {
    const profileId = newProfileId();
    return { PartitionKey: profileId, Data: Buffer.from(sampleMessage(profileId)) };
  }),
);
let next = 0;
const result = await runFor(Number(durationMs), Number(concurrency), async () => {
  const Records = batches[next++ % batches.length];
  const answer = await client.send(new PutRecordsCommand({ StreamName: 'bench', Records }));
  return Records.length - (answer.FailedRecordCount ?? 0);
});
client.destroy();
process.stdout.write(`${JSON.stringify({ ...result, rate: result.records / result.seconds })}\n`);
