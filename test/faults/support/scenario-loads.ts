import type { HostProcess } from './host-process.js';
import { generateLoad, type LoadResult } from './load-generator.js';

/** The load of the crash and outage scenarios: 300 profiles, batches of 30, two lanes. */
const SHAPE = { profiles: 300, batchSize: 30, concurrency: 2 };

/**
 * Posts `events` while killing the host with SIGKILL (and starting it again) once each `killsAt` count was
 * accepted; `profiles`: how many profiles share them (fewer: each posts more often, as in a journey storm).
 */
export async function loadWithKills(
  host: HostProcess,
  sourceId: string,
  events: number,
  killsAt: readonly number[],
  profiles = SHAPE.profiles,
): Promise<LoadResult & { kills: number }> {
  let kills = 0;
  const load = await generateLoad({
    url: () => host.url,
    sourceId,
    events,
    ...SHAPE,
    profiles,
    onProgress: async (accepted) => {
      if (kills < killsAt.length && accepted >= killsAt[kills]) {
        kills++;
        await host.kill('SIGKILL');
        await host.start();
      }
    },
  });
  return { ...load, kills };
}

/** What the host's readiness said while its destination was down, and when the destination came back. */
export interface Outage {
  probes: number;
  notReady: number;
  restoredAt: number;
}

/**
 * Posts `events`; once `startAt` were accepted, takes the destination down for `seconds` (probing the host's
 * readiness every 500 ms meanwhile) and brings it back. Resolves when the load is accepted and the outage over.
 */
export async function loadThroughOutage(
  host: HostProcess,
  sourceId: string,
  events: number,
  destination: { stop: () => Promise<void>; restore: () => Promise<void> },
  startAt = 1000,
  seconds = 30,
): Promise<LoadResult & Outage> {
  const outage: Outage = { probes: 0, notReady: 0, restoredAt: 0 };
  let running: Promise<void> | undefined;
  const load = await generateLoad({
    url: () => host.url,
    sourceId,
    events,
    ...SHAPE,
    onProgress: (accepted) => {
      // Started without awaiting, and only once: the other lane must not start a second outage.
      running ??= accepted >= startAt ? takeDown() : undefined;
    },
  });
  await running;
  return { ...load, ...outage };

  async function takeDown(): Promise<void> {
    await destination.stop();
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      outage.probes++;
      if ((await fetch(`${host.url}/health/ready`)).status !== 200) outage.notReady++;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await destination.restore();
    outage.restoredAt = Date.now();
  }
}
