import type { BenchContext } from './fanout.js';
import { BenchHost } from './host.js';
import { SOURCE_ID } from './message-fixture.js';
import { cpuTicks, runJson } from './processes.js';
import { median } from './report.js';
import { ZIPF_PROFILES } from './workload.js';

// The Pub/Sub rows of npm run bench: the host's Pub/Sub connector against Google's emulator, beside what Google's
// client library gets from the same emulator in a user's own loop (bench/pubsub-peer.ts), measured in pairs one
// right after the other. The emulator is a JVM on the same two cores: the figures are the emulator's as much as the
// host's, which is why only the ratio is read.

const PROJECT = 'bench-project';
const TOPIC = 'bench';

export interface PubSubRun {
  label: string;
  events: number;
  delivered: number;
  eventsPerSecond: number;
  /** The host's CPU (user + system) per delivered event. */
  hostCpuUsPerEvent: number;
}

export interface PubSubRows {
  /** Why there are no rows (the emulator is not on this machine), or the rows. */
  skipped?: string;
  peer?: { recordsPerSecond: number; pairs: number[] };
  host?: PubSubRun[];
  /** Median of the pairs' host / peer. */
  hostToPeer?: number;
}

export async function pubsubRows(context: BenchContext, scale: number, pairs: number): Promise<PubSubRows> {
  const { PubSubEmulator } = await import('@event-connectors/pubsub-connector/testing');
  if (!PubSubEmulator.available()) {
    context.log('pubsub: skipped, the emulator is not on this machine');
    return { skipped: 'Pub/Sub emulator absent' };
  }
  let emulator: Awaited<ReturnType<typeof PubSubEmulator.start>>;
  try {
    emulator = await PubSubEmulator.start();
  } catch (error) {
    // The rest of the run stands: its tables are written, this row says why it is missing.
    context.log(`pubsub: skipped, the emulator did not start: ${String(error).split('\n')[0]}`);
    return { skipped: 'the Pub/Sub emulator did not start' };
  }
  try {
    await emulator.createTopic(PROJECT, TOPIC);
    const events = Math.round(20_000 * Math.max(scale, 0.25));
    const peerRun = async () =>
      (await runJson<{ rate: number }>(context.script('pubsub-peer'), [emulator.endpoint, PROJECT, TOPIC, String(events), '100'])).rate;
    // The emulator is a JVM: its first runs are slower while it compiles (the peer measured 3,665 then 6,912
    // messages/s in one run). One uncounted run warms it; the pairs then alternate which side goes first.
    await peerRun();
    const peerRates: number[] = [];
    const host: PubSubRun[] = [];
    const ratios: number[] = [];
    for (let pair = 0; pair < pairs; pair++) {
      const hostFirst = pair % 2 === 1;
      const first = hostFirst ? await hostRun(context, emulator.endpoint, events, `unique profiles, pair ${pair + 1}`) : await peerRun();
      const second = hostFirst ? await peerRun() : await hostRun(context, emulator.endpoint, events, `unique profiles, pair ${pair + 1}`);
      const [run, peer] = (hostFirst ? [first, second] : [second, first]) as [PubSubRun, number];
      peerRates.push(peer);
      host.push(run);
      ratios.push(run.eventsPerSecond / peer);
      context.log(`pubsub pair ${pair + 1}: peer ${Math.round(peer)} messages/s, host ${run.eventsPerSecond} events/s`);
    }
    // What the bound on publishes in flight costs, and real traffic's repeating profiles (one in flight each).
    host.push(await hostRun(context, emulator.endpoint, events, 'PUBSUB_CONCURRENCY=20', { PUBSUB_CONCURRENCY: '20' }));
    host.push(await hostRun(context, emulator.endpoint, events, 'Zipf profiles', {}, ZIPF_PROFILES));
    for (const run of host.slice(pairs)) context.log(`pubsub ${run.label}: ${JSON.stringify(run)}`);
    return {
      peer: { recordsPerSecond: Math.round(median(peerRates)), pairs: peerRates.map(Math.round) },
      host,
      hostToPeer: Math.round(median(ratios) * 1000) / 1000,
    };
  } finally {
    await emulator.stop();
  }
}

/** One host with one Pub/Sub set-up on the emulator's topic: accept to Pub/Sub's answer for every event. */
async function hostRun(
  context: BenchContext,
  endpoint: string,
  events: number,
  label: string,
  hostEnv: Record<string, string> = {},
  loadEnv: Record<string, string> = {},
): Promise<PubSubRun> {
  // The emulator is a development endpoint: allowed only outside production (nothing else differs).
  const host = await BenchHost.start(
    context.sinkUrl,
    context.nextPort(),
    {
      CONNECTORS: 'pubsub',
      APP_ENV: 'development',
      PUBSUB_ALLOW_EMULATOR: 'true',
      ...hostEnv,
    },
    0,
  );
  try {
    const connector = (await host.post('/v1/connectors', {
      type: 'pubsub',
      siteNumber: 1234,
      name: 'Benchmark topic',
      partnerNumber: 33,
      settings: { projectId: PROJECT, topicId: TOPIC, emulatorEndpoint: endpoint },
    })) as { id: string };
    await host.post('/v1/bindings', {
      connectorId: connector.id,
      source: { type: 'audience', id: SOURCE_ID, number: 123, name: 'Benchmark audience' },
      sourceName: 'some name',
      profileVariables: [{ name: 'lastCategory', property: 'last_category' }],
      properties: { custom: 'variable', another: 123 },
    });
    const pid = host.child.pid!;
    const ticksBefore = cpuTicks(pid);
    const started = performance.now();
    const load = await runJson<{ accepted: number }>(context.script('load'), [host.url, 'max', String(events), '8', '100'], loadEnv);
    const delivered = await deliveredBy(host, connector.id, load.accepted, 300_000);
    const seconds = (performance.now() - started) / 1000;
    const ticks = cpuTicks(pid) - ticksBefore;
    return {
      label,
      events: load.accepted,
      delivered,
      eventsPerSecond: Math.round(delivered / seconds),
      hostCpuUsPerEvent: Math.round((ticks * 10_000) / Math.max(delivered, 1)),
    };
  } finally {
    await host.stop();
  }
}

/** The set-up's delivered count once it reached `count` (polled every 50 ms), or at the deadline. */
async function deliveredBy(host: BenchHost, connectorId: string, count: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const stats = (await (await fetch(`${host.url}/v1/connectors/${connectorId}/stats`)).json()) as { totals: { delivered: number } };
    if (stats.totals.delivered >= count || performance.now() > deadline) return stats.totals.delivered;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The Pub/Sub figures for the run's table. */
export function pubsubSummaryRows(rows: PubSubRows): (string | number)[][] {
  if (rows.skipped !== undefined || !rows.peer || !rows.host) return [['Pub/Sub rows', `skipped: ${rows.skipped}`]];
  const { peer, host } = rows;
  return [
    [
      `Pub/Sub emulator: host events/s / Google's client in a user's loop (100 in flight) messages/s, per pair; host / peer (median)`,
      `${host
        .slice(0, peer.pairs.length)
        .map((run, pair) => `${run.eventsPerSecond} / ${peer.pairs[pair]}`)
        .join(', ')}; ${rows.hostToPeer}`,
    ],
    ...host.map((run) => [
      `Pub/Sub emulator, ${run.label}: events/s; host CPU us/event`,
      `${run.eventsPerSecond}; ${run.hostCpuUsPerEvent}`,
    ]),
  ];
}

/** The Pub/Sub target: the host keeps most of what Google's client gets in a bare loop (none where the emulator is absent). */
export function pubsubTargets(rows: PubSubRows): (readonly [string, number | null, string, boolean])[] {
  if (rows.hostToPeer === undefined) return [];
  return [["Pub/Sub emulator: host / Google's client in a user's loop", rows.hostToPeer, '>= 0.8', rows.hostToPeer >= 0.8]];
}
