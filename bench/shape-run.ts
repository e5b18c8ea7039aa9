import { type BenchContext, waitForRecords } from './fanout.js';
import { BenchHost } from './host.js';
import { cpuTicks, runJson } from './processes.js';
import type { ScenarioName, ScenarioOptions } from './scenarios.js';

/** One timed shape of bench/scenarios.ts played against a fresh host, timed at the sink. */
export interface ShapeRun {
  shape: ScenarioName;
  unique: boolean;
  connectors: number;
  delayMs: number;
  events: number;
  delivered: number;
  /** Delivered over the time from the first request to the last acknowledgement. */
  eventsPerSecond: number;
  /** Accept to delivered: from a request's send to the sink's receipt of each of its records. */
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** From the first request to the last acknowledgement. */
  totalSeconds: number;
  /** From the load's last accepted request to the last acknowledgement: what was left when it ended. */
  drainSeconds: number;
  /** How late the generator posted its latest request against the schedule (the host holding it back). */
  lateMs: number;
  hostCpuUsPerEvent: number;
  /** PutRecords calls the sink answered. */
  calls: number;
}

interface TrafficLoad {
  accepted: number;
  startedAt: number;
  endedAt: number;
  lateMs: number;
}

export async function playShape(
  context: BenchContext,
  shape: ScenarioName,
  options: ScenarioOptions & { connectors?: number; delayMs?: number; capSeconds?: number },
): Promise<ShapeRun> {
  const { sinkCall } = context;
  const connectors = options.connectors ?? 1;
  const delayMs = options.delayMs ?? 0;
  const host = await BenchHost.start(context.sinkUrl, context.nextPort(), {}, connectors);
  try {
    await sinkCall(`/__delay/${delayMs}`, 'POST');
    await sinkCall('/__reset', 'POST');
    await sinkCall('/__latency/on', 'POST');
    const pid = host.child.pid!;
    const ticksBefore = cpuTicks(pid);
    const load = await runJson<TrafficLoad>(context.script('traffic'), [host.url, shape, JSON.stringify({ ...options, connectors })]);
    const stats = await waitForRecords(context, load.accepted, (options.capSeconds ?? 150) * 1000);
    const cpuSeconds = (cpuTicks(pid) - ticksBefore) / 100;
    const totalSeconds = Math.max(0.001, (stats.lastAt - load.startedAt) / 1000);
    const run: ShapeRun = {
      shape,
      unique: options.unique ?? false,
      connectors,
      delayMs,
      events: load.accepted,
      delivered: stats.records,
      eventsPerSecond: Math.round(stats.records / totalSeconds),
      p50Ms: stats.latency.p50,
      p99Ms: stats.latency.p99,
      maxMs: stats.latency.max,
      totalSeconds: round(totalSeconds),
      drainSeconds: round(Math.max(0, (stats.lastAt - load.endedAt) / 1000)),
      lateMs: load.lateMs,
      hostCpuUsPerEvent: Math.round((cpuSeconds * 1e6) / Math.max(1, stats.records)),
      calls: stats.requests,
    };
    context.log(`shape: ${JSON.stringify(run)}`);
    return run;
  } finally {
    await sinkCall('/__latency/off', 'POST');
    await sinkCall('/__delay/0', 'POST');
    await host.stop();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
