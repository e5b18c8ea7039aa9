import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A minimal Kinesis on loopback that acknowledges everything as fast as it can: the destination of the
// benchmark, so the figures measure the producer, not an emulator. Control: GET /__stats, POST /__mode/{ok,503},
// POST /__latency/{on,off}[?hot=<sourceId>] (then it decodes each record to time it; `latencyRest` leaves out the
// records of the hot source), POST /__delay/<ms> (answers each PutRecords that much later, as AWS does from its
// region), POST /__reset.

let mode: 'ok' | '503' = 'ok';
let timing = false;
let hotSource: string | undefined;
let delayMs = 0;
let records = 0;
let requests = 0;
let firstAt = 0;
let lastAt = 0;
let latencies: number[] = [];
let latenciesRest: number[] = [];
const successBodies = new Map<number, Buffer>();

function putRecordsAnswer(count: number): Buffer {
  let body = successBodies.get(count);
  if (!body) {
    const entry = '{"SequenceNumber":"49680648063468424250289856925343233547769908023705731074","ShardId":"shardId-000000000000"}';
    body = Buffer.from(`{"FailedRecordCount":0,"Records":[${Array(count).fill(entry).join(',')}]}`);
    successBodies.set(count, body);
  }
  return body;
}

function summary(values: number[]): { count: number; p50: number | null; p99: number | null; max: number | null } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null);
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? null };
}

function countRecords(body: string): number {
  let count = 0;
  for (let at = body.indexOf('"PartitionKey"'); at !== -1; at = body.indexOf('"PartitionKey"', at + 14)) count++;
  return count;
}

function send(response: http.ServerResponse, status: number, body: Buffer | string): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const url = request.url ?? '/';
    if (url.startsWith('/__')) {
      if (url === '/__stats') {
        return send(
          response,
          200,
          JSON.stringify({ records, requests, firstAt, lastAt, latency: summary(latencies), latencyRest: summary(latenciesRest) }),
        );
      }
      if (url.startsWith('/__mode/')) mode = url.endsWith('503') ? '503' : 'ok';
      if (url.startsWith('/__latency/')) {
        const [path, query] = url.split('?');
        timing = path.endsWith('on');
        hotSource = new URLSearchParams(query).get('hot') ?? undefined;
      }
      if (url.startsWith('/__delay/')) delayMs = Number(url.slice('/__delay/'.length)) || 0;
      if (url === '/__reset') {
        records = requests = firstAt = lastAt = 0;
        latencies = [];
        latenciesRest = [];
      }
      return send(response, 200, '{}');
    }
    const operation = String(request.headers['x-amz-target'] ?? '')
      .split('.')
      .pop();
    if (mode === '503' && (operation === 'PutRecords' || operation === 'PutRecord')) {
      return send(response, 503, '{"__type":"ServiceUnavailable","message":"benchmark outage"}');
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const now = Date.now();
    if (operation === 'PutRecords') {
      const count = countRecords(body);
      records += count;
      requests++;
      firstAt ||= now;
      lastAt = now;
      if (timing) {
        for (const record of (JSON.parse(body) as { Records: { Data: string }[] }).Records) {
          const message = JSON.parse(Buffer.from(record.Data, 'base64').toString('utf8')) as { timestamp: number; sourceId: string };
          latencies.push(now - message.timestamp);
          if (message.sourceId !== hotSource) latenciesRest.push(now - message.timestamp);
        }
      }
      const answer = putRecordsAnswer(count);
      if (delayMs > 0) setTimeout(() => send(response, 200, answer), delayMs);
      else send(response, 200, answer);
      return;
    }
    if (operation === 'PutRecord') {
      records++;
      requests++;
      firstAt ||= now;
      lastAt = now;
      return send(
        response,
        200,
        '{"SequenceNumber":"49680648063468424250289856925343233547769908023705731074","ShardId":"shardId-000000000000"}',
      );
    }
    if (operation === 'DescribeStreamSummary' || operation === 'DescribeStream') {
      const name = (JSON.parse(body || '{}') as { StreamName?: string }).StreamName ?? 'bench';
      const summary = {
        StreamName: name,
        StreamARN: `arn:aws:kinesis:eu-west-1:000000000000:stream/${name}`,
        StreamStatus: 'ACTIVE',
        OpenShardCount: 1,
        MaxRecordSizeInKiB: 1024,
        RetentionPeriodHours: 24,
        StreamCreationTimestamp: 1_700_000_000,
        EnhancedMonitoring: [],
        ConsumerCount: 0,
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
      };
      return send(
        response,
        200,
        JSON.stringify(
          operation === 'DescribeStream'
            ? { StreamDescription: { ...summary, Shards: [], HasMoreShards: false } }
            : { StreamDescriptionSummary: summary },
        ),
      );
    }
    return send(response, 400, `{"__type":"UnknownOperationException","message":"${operation}"}`);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
