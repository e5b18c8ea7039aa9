import http from 'node:http';
import https from 'node:https';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { PutRecordsSender } from '@event-connectors/kinesis-connector';
import { benchClient } from './kinesis-client.js';
import { newProfileId, sampleMessage } from './message-fixture.js';

// The client's CPU per PutRecords call and per record, measured with process.cpuUsage: the SDK with the connector's
// former settings, and the connector's lean path (its PutRecordsSender: body written directly, the SDK's SigV4
// signer, node:http keep-alive), each sending pre-built batches of 1, 50 and 500 records one call at a time
// (and 500 with 4 in flight). The two paths alternate per row, so a drift of the machine hits both alike.
// argv: endpoint calls
const [endpoint, callsArg = '400'] = process.argv.slice(2);
const client = benchClient(endpoint);
const agentOptions = { keepAlive: true, maxSockets: 16 };
const lean = new PutRecordsSender({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  endpoint,
  agents: { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) },
  connectTimeoutMs: 3000,
  requestTimeoutMs: 15_000,
});
const calls = Number(callsArg);

type Path = 'sdk' | 'lean';

async function measure(
  path: Path,
  size: number,
  inFlight: number,
): Promise<{ path: Path; records: number; inFlight: number; usPerCall: number; usPerRecord: number }> {
  const batches = Array.from({ length: 8 }, () =>
    Array.from({ length: size }, () => {
      const profileId = newProfileId();
      return { partitionKey: profileId, data: sampleMessage(profileId) };
    }),
  );
  const send =
    path === 'sdk'
      ? (index: number) =>
          client.send(
            new PutRecordsCommand({
              StreamName: 'bench',
              Records: batches[index % batches.length].map((record) => ({
                PartitionKey: record.partitionKey,
                Data: Buffer.from(record.data),
              })),
            }),
          )
      : (index: number) => lean.putRecords({ StreamName: 'bench' }, batches[index % batches.length]);
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
  return { path, records: size, inFlight, usPerCall: Math.round(us / calls), usPerRecord: Math.round((us / calls / size) * 10) / 10 };
}

const results = [];
for (const [size, inFlight] of [
  [1, 1],
  [50, 1],
  [500, 1],
  [500, 4],
] as const) {
  for (const path of ['sdk', 'lean'] as const) results.push(await measure(path, size, inFlight));
}
client.destroy();
lean.close();
process.stdout.write(`${JSON.stringify(results)}\n`);
