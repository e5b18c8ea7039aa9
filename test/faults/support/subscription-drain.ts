import type { EmulatorSubscription, PulledMessage } from '@event-connectors/pubsub-connector/testing';
import type { SentEvent } from './load-generator.js';
import type { StreamMessage } from './verdict.js';

/** A message as the verdict reads it (profile, per-profile sequence), with the host's id of it (its attribute). */
export type PubSubRecord = StreamMessage & { connectorMessageId: string };

/** What a subscription received, in arrival order, repeats included. */
export function pubsubRecords(pulled: readonly PulledMessage[]): PubSubRecord[] {
  return pulled.map((message) => {
    const body = JSON.parse(message.data) as { profileId: string; timestamp: number };
    return { profileId: body.profileId, timestamp: body.timestamp, connectorMessageId: message.attributes.connectorMessageId ?? '' };
  });
}

/**
 * Pulls the subscription (acknowledging, as a consumer does) until every accepted event arrived or 90 s pass; `earlier`:
 * what an earlier subscription received (the emulator's state before a restart). Returns the records, the seconds waited.
 */
export async function drainedSubscription(
  subscription: () => EmulatorSubscription,
  accepted: readonly SentEvent[],
  earlier: readonly PulledMessage[] = [],
) {
  const started = Date.now();
  const wanted = accepted.map((event) => `${event.profileId}#${event.sequence}`);
  for (;;) {
    let pulled: PulledMessage[] = [];
    try {
      pulled = await subscription().drain();
    } catch {
      // The emulator is not answering this moment: pull again.
    }
    const records = pubsubRecords([...earlier, ...pulled]);
    const seen = new Set(records.map((record) => `${record.profileId}#${record.timestamp}`));
    if (wanted.every((id) => seen.has(id)) || Date.now() - started > 90_000) return { records, seconds: (Date.now() - started) / 1000 };
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Messages that arrived more than once with different connectorMessageId: a subscriber dropping repeats by it would keep both. */
export function repeatsWithNewIds(records: readonly PubSubRecord[]): number {
  const ids = new Map<string, Set<string>>();
  for (const record of records) {
    const key = `${record.profileId}#${record.timestamp}`;
    ids.set(key, (ids.get(key) ?? new Set()).add(record.connectorMessageId));
  }
  return [...ids.values()].filter((set) => set.size > 1).length;
}
