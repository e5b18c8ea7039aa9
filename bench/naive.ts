import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { benchClient, runFor } from './kinesis-client.js';
import { newProfileId, sampleMessage } from './message-fixture.js';

// The naive peer: one PutRecord call per message, 16 at a time (the design of several CDP destinations).
// argv: endpoint durationMs concurrency
const [endpoint, durationMs = '5000', concurrency = '16'] = process.argv.slice(2);
const client = benchClient(endpoint);
const result = await runFor(Number(durationMs), Number(concurrency), async () => {
  const profileId = newProfileId();
  await client.send(new PutRecordCommand({ StreamName: 'bench', PartitionKey: profileId, Data: Buffer.from(sampleMessage(profileId)) }));
  return 1;
});
client.destroy();
process.stdout.write(`${JSON.stringify({ ...result, rate: result.records / result.seconds })}\n`);
