import http from 'node:http';
import { createRequire } from 'node:module';
import { newProfileId, sampleMessage } from './message-fixture.js';

// The library peer: the same messages pushed through an existing npm Kinesis producer, aws-kinesis-writable
// (a Writable stream that buffers up to 500 records per PutRecords, on aws-sdk v2).
// argv: endpoint messages
// Both are CommonJS without types; these are the few members the benchmark uses.
interface KinesisWritable {
  on(event: 'error', listener: () => void): void;
  once(event: 'drain', listener: () => void): void;
  write(message: unknown): boolean;
  end(callback: () => void): void;
}
type KinesisWritableClass = new (options: Record<string, unknown>) => KinesisWritable;
const require = createRequire(import.meta.url);
const AWS = require('aws-sdk') as { Kinesis: new (options: Record<string, unknown>) => object };
const KinesisStream = require('aws-kinesis-writable') as KinesisWritableClass;

const [endpoint, count = '100000'] = process.argv.slice(2);
const kinesis = new AWS.Kinesis({
  region: 'eu-west-1',
  endpoint,
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  maxRetries: 0,
  httpOptions: { agent: new http.Agent({ keepAlive: true, maxSockets: 16 }) },
});
const stream = new KinesisStream({
  kinesis,
  streamName: 'bench',
  partitionKey: (message: { profileId: string }) => message.profileId,
  buffer: { length: 500, timeout: 1 },
});
let failed = 0;
stream.on('error', () => failed++);

const total = Number(count);
const started = performance.now();
for (let i = 0; i < total; i++) {
  if (!stream.write(sampleMessage(newProfileId()))) await new Promise<void>((resolve) => stream.once('drain', resolve));
}
await new Promise<void>((resolve) => stream.end(resolve));
// The stream acknowledges writes before it sends them: done is when the destination has them all.
for (;;) {
  const stats = (await (await fetch(`${endpoint}/__stats`)).json()) as { records: number };
  if (stats.records + failed >= total) break;
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ records: total - failed, seconds, rate: (total - failed) / seconds })}\n`);
