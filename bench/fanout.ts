import { BenchHost } from './host.js';
import { cpuTicks, rssMiB, runJson } from './processes.js';
import { sourceIdOf } from './message-fixture.js';

// The many-tenants rows of npm run bench: many connectors each with a small share of the traffic, a destination
// that takes its time (as AWS does from its region), an idle host holding thousands of set-ups, and small
// connectors beside a hot one.

export interface SinkStats {
  records: number;
  /** PutRecords (and PutRecord) calls answered. */
  requests: number;
  firstAt: number;
  lastAt: number;
  latency: { count: number; p50: number | null; p99: number | null; max: number | null };
  latencyRest: { count: number; p50: number | null; p99: number | null; max: number | null };
}

/** What the rows need of the bench run: its sink, its scripts, and fresh ports. */
export interface BenchContext {
  sinkUrl: string;
  sinkCall: <T>(path: string, method?: string) => Promise<T>;
  script: (name: string) => string;
  nextPort: () => number;
  log: (line: string) => void;
}

/** End to end with `connectors` set-ups, events spread round-robin over their audiences (or 90% to the first). */
export interface FanOutRun {
  connectors: number;
  events: number;
  delivered: number;
  eventsPerSecond: number;
  delayMs: number;
  /** The host's CPU (user + system) per delivered event, from load start to the last acknowledgement. */
  hostCpuUsPerEvent: number;
  /** Cores the host kept busy meanwhile (1 = one event loop saturated). */
  hostCores: number;
  /** Calls the sink answered, and (profiles repeating) the fewest that could carry the load. */
  calls: number;
  minimumCalls?: number;
  /** Profiles repeating: the most messages of one profile to one connector, sent one after another. */
  longestChain?: number;
}

/**
 * Posts `events` in requests of 500, spread over the connectors' audiences, and measures accept to acknowledgement
 * of all of them. Stops waiting after `capSeconds`: the rate is then what was delivered in that time.
 */
export async function deliveryWith(
  context: BenchContext,
  connectors: number,
  events: number,
  options: { delayMs?: number; capSeconds?: number; loadEnv?: Record<string, string>; hostEnv?: Record<string, string> } = {},
): Promise<FanOutRun> {
  const { sinkCall } = context;
  const delayMs = options.delayMs ?? 0;
  const host = await BenchHost.start(context.sinkUrl, context.nextPort(), options.hostEnv, connectors);
  try {
    await sinkCall(`/__delay/${delayMs}`, 'POST');
    await sinkCall('/__reset', 'POST');
    const pid = host.child.pid!;
    const ticksBefore = cpuTicks(pid);
    const load = await runJson<{ accepted: number; startedAt: number; minimumCalls?: number; longestChain?: number }>(
      context.script('load'),
      [host.url, 'max', String(events), '8', '500'],
      { BENCH_SOURCES: String(connectors), ...options.loadEnv },
    );
    const stats = await waitForRecords(context, load.accepted, (options.capSeconds ?? 180) * 1000);
    // Clock ticks are 10 ms: over runs of seconds that is precise to about a percent.
    const cpuSeconds = (cpuTicks(pid) - ticksBefore) / 100;
    const seconds = Math.max(0.001, (stats.lastAt - load.startedAt) / 1000);
    const run = {
      connectors,
      events: load.accepted,
      delivered: stats.records,
      eventsPerSecond: Math.round(stats.records / seconds),
      delayMs,
      hostCpuUsPerEvent: Math.round((cpuSeconds * 1e6) / Math.max(1, stats.records)),
      hostCores: Math.round((cpuSeconds / seconds) * 100) / 100,
      calls: stats.requests,
      ...(load.minimumCalls !== undefined && { minimumCalls: load.minimumCalls, longestChain: load.longestChain }),
    };
    context.log(`fan-out: ${JSON.stringify(run)}`);
    return run;
  } finally {
    await sinkCall('/__delay/0', 'POST');
    await host.stop();
  }
}

/** RSS and CPU of a host holding `connectors` set-ups and no traffic, over `seconds` after a settling pause. */
export async function idleCost(
  context: BenchContext,
  connectors: number,
  seconds: number,
): Promise<{ connectors: number; rssMiB: number; cpuPercentOfCore: number }> {
  const host = await BenchHost.start(context.sinkUrl, context.nextPort(), {}, connectors);
  try {
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const pid = host.child.pid!;
    const before = cpuTicks(pid);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const used = cpuTicks(pid) - before;
    const idle = { connectors, rssMiB: rssMiB(pid), cpuPercentOfCore: Math.round((used / (seconds * 100)) * 1000) / 10 };
    context.log(`idle: ${JSON.stringify(idle)}`);
    return idle;
  } finally {
    await host.stop();
  }
}

/**
 * `connectors` set-ups, 90% of a steady offered load to the first (the hot one, saturated), the rest spread over the
 * others: accept to acknowledgement of the small connectors' messages.
 */
export async function skewedLatency(
  context: BenchContext,
  connectors: number,
  perSecond: number,
  seconds: number,
): Promise<{ connectors: number; offeredPerSecond: number; smallP50Ms: number | null; smallP99Ms: number | null; smallMessages: number }> {
  const { sinkCall } = context;
  const host = await BenchHost.start(context.sinkUrl, context.nextPort(), {}, connectors);
  try {
    await sinkCall('/__reset', 'POST');
    await sinkCall(`/__latency/on?hot=${sourceIdOf(0)}`, 'POST');
    const load = await runJson<{ accepted: number }>(
      context.script('load'),
      [host.url, 'rate', String(perSecond), String(seconds), '500'],
      {
        BENCH_SOURCES: String(connectors),
        BENCH_HOT_SHARE: '0.9',
      },
    );
    const stats = await waitForRecords(context, load.accepted, 120_000);
    const skew = {
      connectors,
      offeredPerSecond: perSecond,
      smallP50Ms: stats.latencyRest.p50,
      smallP99Ms: stats.latencyRest.p99,
      smallMessages: stats.latencyRest.count,
    };
    context.log(`skewed: ${JSON.stringify(skew)}`);
    return skew;
  } finally {
    await sinkCall('/__latency/off', 'POST');
    await host.stop();
  }
}

export async function waitForRecords(context: BenchContext, count: number, timeoutMs: number): Promise<SinkStats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await context.sinkCall<SinkStats>('/__stats');
    if (stats.records >= count || Date.now() > deadline) return stats;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
