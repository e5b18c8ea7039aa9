import http from 'node:http';
import https from 'node:https';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** The client settings of the connector (keep-alive HTTP/1.1, 16 sockets, no SDK retries), for a fair comparison. */
export function benchClient(endpoint: string): KinesisClient {
  return new KinesisClient({
    region: 'eu-west-1',
    endpoint,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 16 }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 16 }),
    }),
  });
}

/** Runs `task` in `concurrency` loops until `durationMs` has passed; returns how many records they reported. */
export async function runFor(
  durationMs: number,
  concurrency: number,
  task: () => Promise<number>,
): Promise<{ records: number; seconds: number }> {
  const started = performance.now();
  const end = started + durationMs;
  let records = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        // Not `records += await task()`: that reads `records` before the await, so concurrent loops would
        // overwrite each other's counts (it made the ceiling look 3x lower with 4 calls in flight).
        const sent = await task();
        records += sent;
      }
    }),
  );
  return { records, seconds: (performance.now() - started) / 1000 };
}
