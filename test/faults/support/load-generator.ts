import { randomUUID } from 'node:crypto';

/** One event the generator got accepted: identified by profile and its per-profile sequence number. */
export interface SentEvent {
  profileId: string;
  sequence: number;
}

export interface LoadOptions {
  url: () => string;
  sourceId: string;
  siteNumber?: number;
  partnerNumber?: number;
  events: number;
  profiles: number;
  batchSize: number;
  concurrency: number;
  /** Gives up on a batch after this long (the suite then reports it as not accepted). */
  batchDeadlineMs?: number;
  /** Called after each accepted batch, with the number of events accepted so far. */
  onProgress?: (accepted: number) => void | Promise<void>;
  /** Post each request twice (the platform retrying after a lost answer). */
  postTwice?: boolean;
  /** Each profile's first sequence number, to continue an earlier load (default 1). */
  firstSequence?: number;
  /** Offered events per second over all lanes (default: as fast as the host takes them). */
  perSecond?: number;
}

export interface LoadResult {
  accepted: SentEvent[];
  /** Requests that had to be retried (host down, shutting down, or timed out). */
  retries: number;
  replays: number;
}

/**
 * Posts events the way the platform does: in batches, each with an Idempotency-Key that it reuses when
 * it retries after a failure or a lost answer. Per profile, `timestamp` is a counter, so order can be checked
 * on the stream. Bounded: a fixed number of events, each batch retried until its deadline.
 */
export async function generateLoad(options: LoadOptions): Promise<LoadResult> {
  // A profile always goes through the same lane, whose batches are posted one after the other: the order
  // in which a profile's events are accepted is then the order in which they were generated.
  const counters = new Map<string, number>();
  const laneEvents: SentEvent[][] = Array.from({ length: options.concurrency }, () => []);
  for (let i = 0; i < options.events; i++) {
    const profileIndex = i % options.profiles;
    const profileId = `profile-${profileIndex}`;
    const sequence = (counters.get(profileId) ?? (options.firstSequence ?? 1) - 1) + 1;
    counters.set(profileId, sequence);
    laneEvents[profileIndex % options.concurrency].push({ profileId, sequence });
  }

  const result: LoadResult = { accepted: [], retries: 0, replays: 0 };
  const startedAt = Date.now();
  await Promise.all(
    laneEvents.map(async (events) => {
      for (let start = 0; start < events.length; start += options.batchSize) {
        // Paced: this lane's share of the rate; a host that falls behind makes the load last longer.
        const dueAt = options.perSecond ? startedAt + (start * options.concurrency * 1000) / options.perSecond : 0;
        if (dueAt > Date.now()) await new Promise((resolve) => setTimeout(resolve, dueAt - Date.now()));
        const batch = events.slice(start, start + options.batchSize);
        if (await postUntilAccepted(randomUUID(), body(batch), options, result)) {
          result.accepted.push(...batch);
          await options.onProgress?.(result.accepted.length);
        }
      }
    }),
  );
  return result;

  function body(events: SentEvent[]) {
    return {
      events: events.map((event) => ({
        siteNumber: options.siteNumber ?? 1234,
        sourceId: options.sourceId,
        callType: event.sequence === (options.firstSequence ?? 1) ? 'NEW' : 'MODIFIED',
        timestamp: event.sequence,
        profile: { profileId: event.profileId, partnerIds: { [String(options.partnerNumber ?? 33)]: ['x'] }, properties: {} },
      })),
    };
  }
}

async function postUntilAccepted(key: string, body: unknown, options: LoadOptions, result: LoadResult): Promise<boolean> {
  const deadline = Date.now() + (options.batchDeadlineMs ?? 60_000);
  const text = JSON.stringify(body);
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${options.url()}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: text,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      if (response.status === 202) {
        if (response.headers.get('idempotent-replayed')) result.replays++;
        if (options.postTwice) {
          const again = await fetch(`${options.url()}/v1/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': key },
            body: text,
          });
          await again.arrayBuffer();
          if (again.headers.get('idempotent-replayed')) result.replays++;
        }
        return true;
      }
      if (response.status >= 400 && response.status < 500 && response.status !== 429) {
        throw new Error(`load generator: request refused with ${response.status}`);
      }
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('load generator:')) throw error;
      // Host down, restarting or slow: retry with the same key.
    }
    result.retries++;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
