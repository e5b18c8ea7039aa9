import type { FanOutRun } from './fanout.js';
import type { ShapeRun } from './shape-run.js';
import type { RealTraffic } from './workload.js';

// The real-traffic rows and targets of npm run bench's tables (bench/workload.ts measures them).

type Row = [string, string | number];
type Target = readonly [string, number | null, string, boolean];

const latency = (run: ShapeRun) => `${run.p50Ms} / ${run.p99Ms} / ${run.maxMs}`;
const ratio = (value: number, of: number) => Math.round((value / of) * 1000) / 1000;
/**
 * The run's time over its longest chain of one profile's messages (each waits for the one before it to be
 * acknowledged): when the calls are the fewest possible, this is the host's cycle per message of a busy profile,
 * the limit of the run (at 0 ms per call a raw round trip takes ~0.12 ms here).
 */
const chainMs = (run: FanOutRun) =>
  run.longestChain
    ? `${Math.round(((run.events / run.eventsPerSecond) * 1000 * 100) / run.longestChain) / 100} (${run.longestChain} messages)`
    : '-';

export function realTrafficRows(real: RealTraffic, oneUnique: FanOutRun): Row[] {
  const throughput = (run: FanOutRun, label: string): Row => [
    `${label}: events/s (x of 1 connector, unique); host CPU us/event; calls (fewest possible); ms per message of the longest profile chain`,
    `${run.eventsPerSecond} (${ratio(run.eventsPerSecond, oneUnique.eventsPerSecond)}); ${run.hostCpuUsPerEvent}; ${run.calls} (${run.minimumCalls ?? '-'}); ${chainMs(run)}`,
  ];
  const shape = (run: ShapeRun, label: string): Row => [
    `${label}${run.unique ? ', unique profiles' : ''}: events/s; p50 / p99 / max ms; drain after load s; host CPU us/event; calls`,
    `${run.eventsPerSecond}; ${latency(run)}; ${run.drainSeconds}; ${run.hostCpuUsPerEvent}; ${run.calls}`,
  ];
  return [
    throughput(real.zipfOne, '1 connector, Zipf(1.1) profiles over 1M'),
    throughput(real.mix, `realistic mix, ${real.mix.connectors} connectors of Zipf sizes, Zipf profiles`),
    throughput(real.mixSlow, `realistic mix, ${real.mixSlow.connectors} connectors, 25 ms per call`),
    shape(real.mixHalf, `realistic mix at half capacity (${Math.round(real.mix.eventsPerSecond / 2)}/s)`),
    shape(real.mixSlowHalf, `realistic mix at half capacity, 25 ms per call (${Math.round(real.mixSlow.eventsPerSecond / 2)}/s)`),
    ...real.burst.map((run) => shape(run, `audience burst, ${run.events / 2} NEW in 1 s then REMOVED in 1 s`)),
    ...real.journeys.map((run) => shape(run, 'journey bursts, 5 messages per profile in 100 ms, 5,000/s')),
    ...real.storm.map((run) => shape(run, 'MODIFIED storm, 240 profiles at 3,000/s')),
    [
      'audience burst: first request to last delivered, s (x of unique)',
      `${real.burst[0].totalSeconds} / ${real.burst[1].totalSeconds} (${ratio(real.burst[0].totalSeconds, real.burst[1].totalSeconds)})`,
    ],
  ];
}

export function realTrafficTargets(real: RealTraffic, oneUnique: FanOutRun): Target[] {
  const share = ratio(real.mix.eventsPerSecond, oneUnique.eventsPerSecond);
  const burst = ratio(real.burst[0].totalSeconds, real.burst[1].totalSeconds);
  const burstComplete = real.burst.every((run) => run.delivered === run.events);
  // A run that lost or left messages behind meets nothing: its latency and drain leave them out.
  const p99 = (run: ShapeRun) => (run.delivered === run.events ? (run.p99Ms ?? Infinity) : Infinity);
  const drain = (run: ShapeRun) => (run.delivered === run.events ? run.drainSeconds : Infinity);
  return [
    [`realistic mix, ${real.mix.connectors} connectors / 1 connector, unique profiles`, share, '>= 0.5', share >= 0.5],
    ['realistic mix at half capacity: p99 accept to delivered (ms)', real.mixHalf.p99Ms, '< 250', p99(real.mixHalf) < 250],
    ['the same at 25 ms per call: p99 (ms)', real.mixSlowHalf.p99Ms, '< 350', p99(real.mixSlowHalf) < 350],
    ['audience burst / its unique-profile equivalent (time to deliver all)', burst, '<= 1.5', burstComplete && burst <= 1.5],
    ['MODIFIED storm (240 profiles, 3,000/s): drain after the load (s)', real.storm[0].drainSeconds, '< 10', drain(real.storm[0]) < 10],
  ];
}
