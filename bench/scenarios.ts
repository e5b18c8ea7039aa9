import { seededRandom, zipfSampler } from './zipf.js';

// The bench's model of real CDP traffic, as timed schedules of requests (bench/traffic.ts plays them against a
// host). Each shape has a unique-profile equivalent: the same requests at the same times, every event a profile of
// its own, so a row's cost of repeating profiles is read against a run that has none.

export type CallType = 'NEW' | 'MODIFIED' | 'REMOVED';

export interface PlannedEvent {
  /** The audience (and so the bench's connector) it goes to: `sourceIdOf(source)`. */
  source: number;
  profileId: string;
  callType: CallType;
}

/** One POST /v1/events, due `atMs` after the schedule starts. */
export interface PlannedRequest {
  atMs: number;
  events: PlannedEvent[];
}

export type ScenarioName = 'audience-burst' | 'journey-bursts' | 'modified-storm' | 'realistic-mix';

export interface ScenarioOptions {
  /** Every event a new profile, at the same times: the shape's unique-profile equivalent. */
  unique?: boolean;
  /** Events in the whole run (audience burst: per flip), offered per second, and for how long. */
  profiles?: number;
  perSecond?: number;
  seconds?: number;
  /** realistic-mix: how many connectors (audiences) the events spread over, Zipf(1.1) by size. */
  connectors?: number;
}

/** The schedule of a named shape. */
export function scenario(name: ScenarioName, options: ScenarioOptions): PlannedRequest[] {
  const plan = SHAPES[name](options);
  if (!options.unique) return plan;
  let next = 0;
  return plan.map(({ atMs, events }) => ({ atMs, events: events.map((event) => ({ ...event, profileId: `unique-${next++}` })) }));
}

const SHAPES: Record<ScenarioName, (options: ScenarioOptions) => PlannedRequest[]> = {
  /** A recomputed audience: `profiles` enter within a second (NEW), then leave within the next (REMOVED). */
  'audience-burst': ({ profiles = 100_000 }) => {
    const enter = Array.from({ length: profiles }, (_, i) => ({ source: 0, profileId: `member-${i}`, callType: 'NEW' as const }));
    const leave = enter.map((event) => ({ ...event, callType: 'REMOVED' as const }));
    return [...spread(enter, 0, 1000, 500), ...spread(leave, 1000, 1000, 500)];
  },
  /** Journeys: each profile reaches 5 steps within 100 ms (one message every 25 ms); journeys start evenly. */
  'journey-bursts': ({ perSecond = 5000, seconds = 10 }) => {
    const journeys = Math.round((perSecond * seconds) / 5);
    const steps: { atMs: number; event: PlannedEvent }[] = [];
    for (let journey = 0; journey < journeys; journey++) {
      const startMs = (journey * seconds * 1000) / journeys;
      for (let step = 0; step < 5; step++)
        steps.push({
          atMs: startMs + step * 25,
          event: { source: 0, profileId: `traveller-${journey}`, callType: step === 0 ? 'NEW' : 'MODIFIED' },
        });
    }
    return slots(steps, 10);
  },
  /** A profile variable that changes on every page view: `profiles` each posting MODIFIED at an even share of the rate. */
  'modified-storm': ({ profiles = 240, perSecond = 3000, seconds = 24 }) => {
    const steps = Array.from({ length: Math.round(perSecond * seconds) }, (_, i) => ({
      atMs: (i * 1000) / perSecond,
      event: { source: 0, profileId: `visitor-${i % profiles}`, callType: 'MODIFIED' as const },
    }));
    return slots(steps, 20);
  },
  /**
   * Many tenants' audiences at once: each event's connector drawn Zipf(1.1) over `connectors` (a few big tenants, a
   * long tail) and its profile Zipf(1.1) over 1,000,000; NEW, MODIFIED and REMOVED 4:4:2. Requests of 500.
   */
  'realistic-mix': ({ perSecond = 10_000, seconds = 10, connectors = 1000 }) => {
    const random = seededRandom(27);
    const connector = zipfSampler(connectors, 1.1, random);
    const profile = zipfSampler(1_000_000, 1.1, random);
    const types: CallType[] = ['NEW', 'NEW', 'MODIFIED', 'MODIFIED', 'REMOVED'];
    const events = Array.from({ length: Math.round(perSecond * seconds) }, (_, i) => ({
      source: connector(),
      profileId: `profile-${profile()}`,
      callType: types[i % types.length],
    }));
    return spread(events, 0, seconds * 1000, 500);
  },
};

/** Requests of `size` events, evenly over `durationMs` from `fromMs`. */
function spread(events: PlannedEvent[], fromMs: number, durationMs: number, size: number): PlannedRequest[] {
  const requests: PlannedRequest[] = [];
  const count = Math.ceil(events.length / size);
  for (let i = 0; i < count; i++)
    requests.push({ atMs: fromMs + (i * durationMs) / count, events: events.slice(i * size, (i + 1) * size) });
  return requests;
}

/** One request per `slotMs` holding the events due in it, in time order (a profile's steps stay in order). */
function slots(steps: { atMs: number; event: PlannedEvent }[], slotMs: number): PlannedRequest[] {
  const bySlot = new Map<number, PlannedEvent[]>();
  for (const { atMs, event } of [...steps].sort((a, b) => a.atMs - b.atMs)) {
    const slot = Math.floor(atMs / slotMs) * slotMs;
    let events = bySlot.get(slot);
    if (!events) bySlot.set(slot, (events = []));
    events.push(event);
  }
  return [...bySlot].map(([atMs, events]) => ({ atMs, events }));
}
