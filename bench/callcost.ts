import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { benchClient } from './kinesis-client.js';
import { newProfileId, sampleMessage } from './message-fixture.js';

// The client's CPU per PutRecords call and per record: the SDK, with the connector's settings, sending pre-built
// batches of 1, 50 and 500 records, one call at a time (and 500 with 4 in flight), measured with process.cpuUsage.
// argv: endpoint calls
const [endpoint, callsArg = '400'] = process.argv.slice(2);
const client = benchClient(endpoint);
const calls = Number(callsArg);

async function measure(
  size: number,
  inFlight: number,
): Promise<{ records: number; inFlight: number; usPerCall: number; usPerRecord: number }> {
  const batches = Array.from({ length: 8 }, () =>
    Array.from({ length: size }, () => {
      const profileId = newProfileId();
      return { PartitionKey: profileId, Data: Buffer.from(sampleMessage(profileId)) };
    }),
  );
  const send = (index: number) => client.send(new PutRecordsCommand({ StreamName: 'bench', Records: batches[index % batches.length] }));
  for (let i = 0; i < 20; i++) await send(i); // warm-up: JIT and sockets
  const before = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < calls) await send(next++);
    }),
  );
  const used = process.cpuUsage(before);
  const us = used.user + used.system;
  return { records: size, inFlight, usPerCall: Math.round(us / calls), usPerRecord: Math.round((us / calls / size) * 10) / 10 };
}

const results = [];
for (const [size, inFlight] of [
  [1, 1],
  [50, 1],
  [500, 1],
  [500, 4],
] as const) {
  results.push(await measure(size, inFlight));
}
client.destroy();
process.stdout.write(`${JSON.stringify(results)}\n`);
