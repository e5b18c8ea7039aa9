import http from 'node:http';
import { type BenchContext, waitForRecords } from './fanout.js';
import { BenchHost } from './host.js';
import { runJson } from './processes.js';

// One profile with a standing backlog (a journey emitting message after message, a variable changing on every page
// view). Per-profile order lets one of its messages be in flight at a time, so its physical limit is one message
// per destination round trip; the row says how close the host gets, at the sink's delay of 0, 5 or 25 ms.

export interface HotProfileRun {
  engine: 'sqlite' | 'postgres';
  delayMs: number;
  messages: number;
  delivered: number;
  /** From the sink's first record of the profile to its last. */
  messagesPerSecond: number;
  /** Sequential one-record PutRecords over keep-alive HTTP to the same sink: the round trip at this delay. */
  roundTripsPerSecond: number;
  /** messagesPerSecond / roundTripsPerSecond: 1 is one message per round trip. */
  perRoundTrip: number;
}

/** `hostEnv`: the host's store (default its SQLite file; DATABASE_URL for PostgreSQL). */
export async function hotProfile(
  context: BenchContext,
  delayMs: number,
  messages: number,
  hostEnv: Record<string, string> = {},
): Promise<HotProfileRun> {
  await context.sinkCall(`/__delay/${delayMs}`, 'POST');
  const host = await BenchHost.start(context.sinkUrl, context.nextPort(), hostEnv, 1);
  try {
    const roundTripsPerSecond = await roundTrips(context.sinkUrl, 2000);
    await context.sinkCall('/__reset', 'POST');
    const load = await runJson<{ accepted: number }>(
      context.script('load'),
      [host.url, 'max', String(messages), '1', String(Math.min(messages, 1000))],
      { BENCH_PROFILES: '1' },
    );
    const stats = await waitForRecords(context, load.accepted, 180_000);
    const seconds = Math.max(0.001, (stats.lastAt - stats.firstAt) / 1000);
    // Between the first and the last record, records - 1 round trips.
    const messagesPerSecond = Math.round((stats.records - 1) / seconds);
    const run: HotProfileRun = {
      engine: hostEnv.DATABASE_URL ? 'postgres' : 'sqlite',
      delayMs,
      messages: load.accepted,
      delivered: stats.records,
      messagesPerSecond,
      roundTripsPerSecond: Math.round(roundTripsPerSecond),
      perRoundTrip: Math.round((messagesPerSecond / roundTripsPerSecond) * 100) / 100,
    };
    context.log(`hot profile: ${JSON.stringify(run)}`);
    return run;
  } finally {
    await context.sinkCall('/__delay/0', 'POST');
    await host.stop();
  }
}

/** One-record PutRecords, one at a time, for `durationMs`: calls per second (the cheapest client: a raw request). */
async function roundTrips(sinkUrl: string, durationMs: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(sinkUrl);
  const body = JSON.stringify({ StreamName: 'bench', Records: [{ PartitionKey: 'hot', Data: Buffer.from('{}').toString('base64') }] });
  const call = () =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: '/',
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecords' },
        },
        (response) => {
          response.resume();
          response.on('end', resolve);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  const started = performance.now();
  let calls = 0;
  while (performance.now() - started < durationMs) {
    await call();
    calls++;
  }
  agent.destroy();
  return calls / ((performance.now() - started) / 1000);
}
