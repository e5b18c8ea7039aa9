import type { HistoryCost } from './history-rows.js';
import type { FanOutRun } from './fanout.js';
import type { HotProfileRun } from './hot-profile.js';
import { type PubSubRows, pubsubSummaryRows, pubsubTargets } from './pubsub.js';
import { realTrafficRows, realTrafficTargets } from './real-traffic-report.js';
import { median, round } from './report.js';
import type { StoreRun } from './stores.js';
import type { RealTraffic } from './workload.js';

// npm run bench's two tables from what bench/run.ts measured: every figure, and the targets with their goals.

type Cell = string | number | boolean | null;

/** The figures and the targets of a run (the ratios are written back into `results`). */
export function summarize(
  results: Record<string, unknown>,
  hostToLimit: number,
  pairs: number,
): { rows: Cell[][]; targets: readonly (readonly [string, number | null, string, boolean])[] } {
  const host = (results.host as { eventsPerSecond: number }).eventsPerSecond;
  const ratios: Record<string, number> = {
    hostToLimit: round(hostToLimit, 3),
    hostToNaive: round(host / (results.naive as { recordsPerSecond: number }).recordsPerSecond, 1),
    hostToLibrary: round(host / (results.library as { recordsPerSecond: number }).recordsPerSecond, 2),
  };
  results.ratios = ratios;
  const latency = results.latency as { p99Ms: number };
  const backlog = results.backlog as { peakRssMiB: number };
  type Run = { connectors: number; eventsPerSecond: number; hostCpuUsPerEvent: number; hostCores: number };
  const fanOut = results.fanOut as FanOutRun[];
  const slow = results.slowDestination as Run[];
  const idle = results.idle as { connectors: number; rssMiB: number; cpuPercentOfCore: number };
  const skewed = results.skewed as { connectors: number; smallP99Ms: number };
  const stores = results.stores as {
    runs: StoreRun[];
    pairs: { sqlite: number; postgres: number }[];
    hotProfile: HotProfileRun[];
  };
  type StatsCost = {
    connectors: number;
    perConnector: number;
    settleUsPerMessage: number;
    statsUsPerMessage: number;
    statsShare: number;
    intakeStatsUsPerMessage: number;
  };
  const statsCost = results.statsCost as StatsCost[];
  const history = results.history as HistoryCost;
  const historyShares = historySharesOf(history);
  const historyBytes = Math.max(...history.store.map((cost) => cost.historyBytesPerMessage / cost.messageBytes));
  // One hot profile on each engine: SQLite beside the fan-out rows, PostgreSQL in the store-engine section.
  const hot = [...(results.hotProfile as HotProfileRun[]), ...(stores.hotProfile ?? [])];
  const hotWorst = Math.min(...hot.map((run) => run.perRoundTrip));
  const onePg = median(stores.pairs.map((pair) => pair.postgres));
  const pgToSqlite = round(median(stores.pairs.map((pair) => pair.postgres / pair.sqlite)), 3);
  const threePg = stores.runs[stores.runs.length - 1];
  ratios.postgresToSqlite = pgToSqlite;
  ratios.threePostgresToOne = round(threePg.eventsPerSecond / onePg, 3);
  const share = (connectors: number) =>
    round(fanOut.find((run) => run.connectors === connectors)!.eventsPerSecond / fanOut[0].eventsPerSecond, 3);
  const real = results.realTraffic as RealTraffic;
  const targets = [
    ...realTrafficTargets(real, fanOut[0]),
    [`end to end, ${fanOut[2].connectors} connectors / 1`, share(fanOut[2].connectors), '>= 0.5', share(fanOut[2].connectors) >= 0.5],
    [`end to end, ${fanOut[1].connectors} connectors / 1`, share(fanOut[1].connectors), '>= 0.8', share(fanOut[1].connectors) >= 0.8],
    ['1 connector, 25 ms per call (events/s)', slow[0].eventsPerSecond, '>= 50000', slow[0].eventsPerSecond >= 50_000],
    [`${skewed.connectors} connectors, one hot: small ones' p99 (ms)`, skewed.smallP99Ms, '< 1000', skewed.smallP99Ms < 1000],
    [`${idle.connectors} idle connectors: RSS (MiB)`, idle.rssMiB, '< 300', idle.rssMiB < 300],
    [`${idle.connectors} idle connectors: CPU (% of a core)`, idle.cpuPercentOfCore, '< 3', idle.cpuPercentOfCore < 3],
    ['host / limit', ratios.hostToLimit, '>= 0.35', ratios.hostToLimit >= 0.35],
    ['host / naive peer', ratios.hostToNaive, '>= 20', ratios.hostToNaive >= 20],
    ['host / library peer', ratios.hostToLibrary, '>= 1', ratios.hostToLibrary >= 1],
    ['p99 accept-to-ack at 5,000 events/s (ms)', latency.p99Ms, '< 150', latency.p99Ms < 150],
    ['peak RSS, 1,000,000 backlogged (MiB)', backlog.peakRssMiB, '< 400', backlog.peakRssMiB < 400],
    ['one hot profile: messages per round trip, worst of 0 / 5 / 25 ms on SQLite and PostgreSQL', hotWorst, '>= 0.8', hotWorst >= 0.8],
    [
      "message history: share of the host's CPU per event, worst of 1 / 100 connectors (median of pairs)",
      Math.max(...historyShares.map(([, value]) => value)),
      '< 0.15',
      historyShares.every(([, value]) => value < 0.15),
    ],
    ["message history: bytes stored per message / the message's own size, worst", round(historyBytes, 2), '< 2', historyBytes < 2],
    ...pubsubTargets(results.pubsub as PubSubRows),
  ] as const;
  results.targets = targets.map(([name, value, target, met]) => ({ name, value, target, met }));

  const rows = [
    [
      `limit (client ceiling, 1 call at a time, records/s, median of ${pairs})`,
      (results.limit as { recordsPerSecond: number }).recordsPerSecond,
    ],
    ['client ceiling at 2 / 4 calls in flight (records/s)', `${Math.round(limitsOf(results)[2])} / ${Math.round(limitsOf(results)[4])}`],
    ...(['sdk', 'lean'] as const).map((path) => [
      `client CPU per PutRecords of 1 / 50 / 500 records, ${path === 'sdk' ? 'SDK' : 'lean path'} (us)`,
      callCostOf(results, path)
        .slice(0, 3)
        .map((cost) => cost.usPerCall)
        .join(' / '),
    ]),
    ...(['sdk', 'lean'] as const).map((path) => [
      `client CPU per record at 500, 1 / 4 in flight, ${path === 'sdk' ? 'SDK' : 'lean path'} (us)`,
      `${callCostOf(results, path)[2].usPerRecord} / ${callCostOf(results, path)[3].usPerRecord}`,
    ]),
    [`host (events/s, accept to ack, durable, median of ${pairs})`, host],
    ['naive peer (PutRecord x16, records/s)', (results.naive as { recordsPerSecond: number }).recordsPerSecond],
    ['library peer (aws-kinesis-writable, records/s)', (results.library as { recordsPerSecond: number }).recordsPerSecond],
    [
      'latency p50 / p99 / max (ms) at 5,000/s',
      `${(results.latency as { p50Ms: number }).p50Ms} / ${latency.p99Ms} / ${(results.latency as { maxMs: number }).maxMs}`,
    ],
    ['backlog 1M: peak RSS MiB / drain msg/s', `${backlog.peakRssMiB} / ${(results.backlog as { drainPerSecond: number }).drainPerSecond}`],
    [
      'kinesalite: host events/s / emulator records/s',
      `${(results.emulator as { hostEventsPerSecond: number }).hostEventsPerSecond} / ${(results.emulator as { emulatorRecordsPerSecond: number }).emulatorRecordsPerSecond}`,
    ],
    ...fanOut.map((run) => [
      `${run.connectors} connectors: events/s end to end (x of 1); host CPU us/event, cores`,
      `${run.eventsPerSecond} (${share(run.connectors)}); ${run.hostCpuUsPerEvent}, ${run.hostCores}`,
    ]),
    ...realTrafficRows(real, fanOut[0]),
    ...slow.map((run) => [
      `${run.connectors} connectors, 25 ms per call: events/s; host CPU us/event, cores`,
      `${run.eventsPerSecond}; ${run.hostCpuUsPerEvent}, ${run.hostCores}`,
    ]),
    ...hot.map((run) => [
      `one hot profile on ${run.engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${run.delayMs} ms per call: messages/s / round trips/s (per round trip)`,
      `${run.messagesPerSecond} / ${run.roundTripsPerSecond} (${run.perRoundTrip})`,
    ]),
    [`${idle.connectors} connectors idle: RSS MiB / CPU % of a core`, `${idle.rssMiB} / ${idle.cpuPercentOfCore}`],
    [`${skewed.connectors} connectors, 90% to one at 5,000/s: small ones' p99 ms`, skewed.smallP99Ms],
    ...stores.runs.map((run) => [
      `store: ${run.instances} host(s) on ${run.engine}: events/s; CPU us/event hosts + database; cores busy`,
      `${run.eventsPerSecond}; ${run.hostCpuUsPerEvent} + ${run.databaseCpuUsPerEvent}; ${run.cores}`,
    ]),
    [`store: 1 host on PostgreSQL / on SQLite (median of ${stores.pairs.length} alternated pairs)`, pgToSqlite],
    ['store: 3 hosts / 1 host on PostgreSQL (on 2 cores: same CPU shared)', ratios.threePostgresToOne],
    ...statsCost.map((cost) => [
      `statistics, ${cost.connectors} x ${cost.perConnector} per settlement: us/message settle (of it stats), share; intake's part`,
      `${cost.settleUsPerMessage} (${cost.statsUsPerMessage}), ${cost.statsShare}; ${cost.intakeStatsUsPerMessage}`,
    ]),
    [
      "statistics' share of the host's us/event (1 connector, stats + intake part over 1e6 / events per second)",
      String(round((statsCost[0].statsUsPerMessage + statsCost[0].intakeStatsUsPerMessage) / (1e6 / host), 4)),
    ],
    ...history.store.map((cost) => [
      `message history, ${cost.connectors} x ${cost.perConnector} per commit and settlement: store us/message without / with (history's part); bytes per message kept / message's own`,
      `${cost.usPerMessageWithout} / ${cost.usPerMessageWith} (${cost.historyUsPerMessage}); ${cost.historyBytesPerMessage} / ${cost.messageBytes}`,
    ]),
    ...historyShares.map(([connectors, share, pairs]) => [
      `message history, ${connectors} connector(s) end to end: host CPU us/event with / without, per alternated pair; share (median)`,
      `${pairs.map((pair) => `${pair.withHistory} / ${pair.without}`).join(', ')}; ${share}`,
    ]),
    ...pubsubSummaryRows(results.pubsub as PubSubRows),
  ];
  return { rows, targets };
}

function limitsOf(results: Record<string, unknown>): Record<string, number> {
  return (results.limit as { byConcurrency: Record<string, number> }).byConcurrency;
}

function callCostOf(results: Record<string, unknown>, path: 'sdk' | 'lean'): { usPerCall: number; usPerRecord: number }[] {
  return (results.callCost as { path: string; usPerCall: number; usPerRecord: number }[]).filter((cost) => cost.path === path);
}

/** Per connector count: the history's share of the host's CPU per event, (with - without) / with, median of the pairs. */
function historySharesOf(history: HistoryCost): [number, number, HistoryCost['pairs']][] {
  const counts = [...new Set(history.pairs.map((pair) => pair.connectors))];
  return counts.map((connectors) => {
    const pairs = history.pairs.filter((pair) => pair.connectors === connectors);
    return [connectors, round(median(pairs.map((pair) => (pair.withHistory - pair.without) / pair.withHistory)), 3), pairs];
  });
}
