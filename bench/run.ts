import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { type BenchContext, deliveryWith, idleCost, skewedLatency } from './fanout.js';
import { historyCost } from './history-rows.js';
import { type HotProfileRun, hotProfile } from './hot-profile.js';
import { realTraffic } from './workload.js';
import { summarize } from './summary.js';
import { log, mapValues, median, table } from './report.js';
import { BenchHost } from './host.js';
import { storeEngines } from './stores.js';
import { kinesaliteRow } from './kinesalite-row.js';
import { pubsubRows } from './pubsub.js';
import { peakRssMiB, runJson, startServer, stop } from './processes.js';

// npm run bench: every figure measured in this run, on loopback, against the production build of the host.
// Prints one table and writes bench/results/latest.json. Absolute numbers vary with the machine; ratios hold.

type Rate = { records?: number; accepted?: number; seconds: number; rate: number };
type SinkStats = {
  records: number;
  firstAt: number;
  lastAt: number;
  latency: { count: number; p50: number | null; p99: number | null; max: number | null };
};

const DIST = resolve('dist/bench');
const script = (name: string) => join(DIST, `${name}.js`);
const quick = process.argv.includes('--quick');
const scale = quick ? 0.1 : 1;
/** Limit and host are measured this many times, alternately. */
const PAIRS = 3;

async function main(): Promise<void> {
  const sink = await startServer(script('sink'));
  const sinkUrl = `http://127.0.0.1:${sink.port}`;
  const sinkCall = async <T>(path: string, method = 'GET'): Promise<T> => (await fetch(sinkUrl + path, { method })).json() as Promise<T>;
  const waitForRecords = async (count: number, timeoutMs: number): Promise<SinkStats> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const stats = await sinkCall<SinkStats>('/__stats');
      if (stats.records >= count || Date.now() > deadline) return stats;
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const results: Record<string, unknown> = {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
    when: new Date().toISOString(),
  };
  // Below the ephemeral range (32768-60999): a thousand set-ups open a thousand client sockets.
  let port = 21_100;
  let hostToLimit: number;

  try {
    // 1. The client-side ceiling: pre-built 500-record batches at 1, 2 and 4 in flight. The limit (a user's own loop)
    // is one call at a time, measured beside each host run (step 4); the ceiling at 4 in flight is printed beside it.
    const limits: Record<string, number> = {};
    for (const concurrency of [1, 2, 4])
      limits[concurrency] = (await runJson<Rate>(script('limit'), [sinkUrl, String(5000 * scale + 1000), String(concurrency)])).rate;
    log(`limit by concurrency: ${JSON.stringify(mapValues(limits, Math.round))}`);
    results.callCost = await runJson(script('callcost'), [sinkUrl, String(Math.round(400 * Math.max(scale, 0.5)))]);
    log(`client CPU per PutRecords: ${JSON.stringify(results.callCost)}`);

    // 2. Naive peer: one PutRecord per message, 16 at a time.
    const naive = await runJson<Rate>(script('naive'), [sinkUrl, String(5000 * scale + 1000), '16']);
    results.naive = { recordsPerSecond: Math.round(naive.rate) };
    log(`naive peer: ${Math.round(naive.rate)} records/s`);

    // 3. Library peer: aws-kinesis-writable, 500-record buffers.
    await sinkCall('/__reset', 'POST');
    const library = await runJson<Rate>(script('library'), [sinkUrl, String(Math.round(100_000 * scale))]);
    results.library = { recordsPerSecond: Math.round(library.rate) };
    log(`library peer: ${Math.round(library.rate)} records/s`);

    // 4. The host: events posted by a separate process, delivered to the same sink; accept to acknowledgement.
    // Measured in PAIRS with the limit, one right after the other, because this machine's speed drifts by
    // several percent within minutes: host / limit is the median of the pairs' ratios, not a ratio of
    // figures taken minutes apart.
    const pairs: { limit: number; host: number; ingest: number; delivered: number; events: number }[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      const pairLimit = (await runJson<Rate>(script('limit'), [sinkUrl, String(5000 * scale + 1000), '1'])).rate;
      const host = await BenchHost.start(sinkUrl, port++);
      await sinkCall('/__reset', 'POST');
      const events = Math.round(200_000 * scale);
      const load = await runJson<Rate & { accepted: number; startedAt: number }>(script('load'), [
        host.url,
        'max',
        String(events),
        '8',
        '100',
      ]);
      const stats = await waitForRecords(load.accepted, 120_000);
      const seconds = (stats.lastAt - load.startedAt) / 1000;
      pairs.push({ limit: pairLimit, host: stats.records / seconds, ingest: load.rate, delivered: stats.records, events: load.accepted });
      log(`pair ${pair + 1}: limit ${Math.round(pairLimit)} records/s, host ${Math.round(stats.records / seconds)} events/s`);
      await host.stop();
    }
    const limit = median(pairs.map((pair) => pair.limit));
    results.limit = {
      recordsPerSecond: Math.round(limit),
      byConcurrency: mapValues(limits, Math.round),
      pairs: pairs.map((pair) => Math.round(pair.limit)),
    };
    results.host = {
      eventsPerSecond: Math.round(median(pairs.map((pair) => pair.host))),
      events: pairs[0].events,
      delivered: Math.min(...pairs.map((pair) => pair.delivered)),
      pairs: pairs.map((pair) => Math.round(pair.host)),
      ingestPerSecond: Math.round(median(pairs.map((pair) => pair.ingest))),
    };
    hostToLimit = median(pairs.map((pair) => pair.host / pair.limit));
    log(`host: ${JSON.stringify(results.host)}`);

    // 5. Latency at a fixed offered load: 5,000 events/s for 30 s, accept to acknowledgement.
    {
      const host = await BenchHost.start(sinkUrl, port++);
      await sinkCall('/__reset', 'POST');
      await sinkCall('/__latency/on', 'POST');
      const load = await runJson<Rate & { accepted: number }>(script('load'), [host.url, 'rate', '5000', String(30 * scale), '50']);
      const stats = await waitForRecords(load.accepted, 60_000);
      await sinkCall('/__latency/off', 'POST');
      results.latency = {
        offeredPerSecond: 5000,
        seconds: 30 * scale,
        events: load.accepted,
        p50Ms: stats.latency.p50,
        p99Ms: stats.latency.p99,
        maxMs: stats.latency.max,
      };
      log(`latency: ${JSON.stringify(results.latency)}`);
      await host.stop();
    }

    // 6. Memory with 1,000,000 messages backlogged (the sink answers 503 during the fill), then the drain rate.
    {
      const host = await BenchHost.start(sinkUrl, port++, { DELIVERY_RETRY_MAX_MS: '1000', MAX_BACKLOG_PER_CONNECTOR: '2000000' });
      await sinkCall('/__mode/503', 'POST');
      await sinkCall('/__reset', 'POST');
      const events = Math.round(1_000_000 * scale);
      const load = await runJson<Rate & { accepted: number }>(script('load'), [host.url, 'max', String(events), '8', '500']);
      const fillRss = peakRssMiB(host.child.pid!);
      await sinkCall('/__mode/ok', 'POST');
      const stats = await waitForRecords(load.accepted, 600_000);
      const drainSeconds = (stats.lastAt - stats.firstAt) / 1000;
      results.backlog = {
        messages: load.accepted,
        fillPerSecond: Math.round(load.rate),
        peakRssMiBDuringFill: fillRss,
        peakRssMiB: peakRssMiB(host.child.pid!),
        drainPerSecond: Math.round(stats.records / Math.max(drainSeconds, 0.001)),
        delivered: stats.records,
      };
      log(`backlog: ${JSON.stringify(results.backlog)}`);
      await host.stop();
    }

    // 7. Against a real Kinesis API: kinesalite (in its own process) for 100,000 events.
    results.emulator = await kinesaliteRow(script, port++, scale);
    log(`kinesalite: ${JSON.stringify(results.emulator)}`);

    // 8. Many tenants: 1 to 10,000 connectors (each its own audience, requests of 500 events spread round-robin),
    // the destination answering at once or after 25 ms, 10,000 idle set-ups, and small connectors beside a hot one.
    const context: BenchContext = { sinkUrl, sinkCall, script, nextPort: () => port++, log };
    const many = quick ? [1, 10, 100, 1000] : [1, 100, 1000, 10_000];
    const fanOut = [];
    for (const connectors of many)
      fanOut.push(await deliveryWith(context, connectors, fanOutEvents(connectors, scale), { capSeconds: 150 }));
    results.fanOut = fanOut;
    // Real traffic: profiles that repeat (Zipf), tenants of Zipf sizes, bursts and storms, beside unique profiles.
    results.realTraffic = await realTraffic(context, scale, many[2], fanOutEvents(many[2], scale));
    const slow = [];
    for (const connectors of [1, many[2]])
      slow.push(await deliveryWith(context, connectors, fanOutEvents(connectors, scale), { delayMs: 25, capSeconds: 150 }));
    results.slowDestination = slow;
    results.idle = await idleCost(context, many[3], quick ? 5 : 10);
    results.skewed = await skewedLatency(context, many[2], 5000, Math.max(3, 20 * scale));
    // One profile with a standing backlog: its limit is one message per destination round trip.
    const hot: HotProfileRun[] = [];
    const hotMessages = (delayMs: number) => Math.round((delayMs >= 25 ? 400 : 2000) * Math.max(scale, 0.25));
    for (const delayMs of [0, 5, 25]) hot.push(await hotProfile(context, delayMs, hotMessages(delayMs)));
    results.hotProfile = hot;

    // 9. The store engines: one host on SQLite vs one on PostgreSQL (alternated), then three on one PostgreSQL.
    results.stores = await storeEngines(context, Math.round(100_000 * scale), 2, hotMessages);

    // 10. The traffic statistics' cost on the hot path: their part of a settlement, one big and many small connectors.
    results.statsCost = [
      await runJson(script('stats-cost'), ['1', '500', String(Math.round(200 * Math.max(scale, 0.25)))]),
      await runJson(script('stats-cost'), ['100', '5', String(Math.round(200 * Math.max(scale, 0.25)))]),
    ];
    log(`statistics cost: ${JSON.stringify(results.statsCost)}`);

    // 11. The message history's cost: per message in the store, and the host's CPU per event with and without it.
    results.history = await historyCost(context, scale, [1, 100], 2);

    // 12. The Pub/Sub connector against Google's emulator, beside Google's client library in a user's own loop.
    results.pubsub = await pubsubRows(context, scale, 3);
  } finally {
    await stop(sink.child);
  }

  const { rows, targets } = summarize(results, hostToLimit, PAIRS);
  console.log(
    `\nBenchmark (${cpus().length} cores, ${cpus()[0]?.model}, Node ${process.version})${quick ? ' QUICK: 1/10 of the sizes' : ''}`,
  );
  console.log(table(['figure', 'value'], rows));
  console.log(
    table(
      ['target', 'measured', 'goal', 'met'],
      targets.map(([name, value, target, met]) => [name, value, target, met ? 'yes' : 'NO']),
    ),
  );
  mkdirSync(resolve('bench/results'), { recursive: true });
  writeFileSync(resolve('bench/results/latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('written: bench/results/latest.json');
}

/** Events of a fan-out row: enough for every connector to get messages, bounded so 10,000 connectors end in time. */
function fanOutEvents(connectors: number, scale: number): number {
  return Math.round(Math.min(200_000, Math.max(50_000, connectors * 10)) * Math.max(scale, 0.2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
