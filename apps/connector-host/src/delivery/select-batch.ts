import type { DeliveryLimits, DeliveryMessage } from '@event-connectors/connector-sdk';
import type { PendingMessage } from '../store/outbox/outbox-store.js';

export interface BatchSelection {
  batch: PendingMessage[];
  /** When the earliest message that is waiting on a retry becomes due (undefined: none waits). */
  nextDueAt?: number;
}

/**
 * Picks the next batch from the head of a connector's backlog (in acceptance order), keeping per-key order:
 * - a key whose oldest pending message waits on a retry is held whole: nothing overtakes it;
 * - a key goes at most once into a batch (a host rule of the EventConnector contract): a connector may send a
 *   batch's messages concurrently or in any order, and a failed one is never overtaken by its successor;
 * - the batch stays within the connector's message and byte limits (an oversized message goes alone,
 *   for the connector to reject it).
 */
export function selectBatch(head: Iterable<PendingMessage>, now: number, limits: DeliveryLimits): BatchSelection {
  const batch: PendingMessage[] = [];
  const seenKeys = new Set<string>();
  let bytes = 0;
  let nextDueAt: number | undefined;
  for (const message of head) {
    const key = message.partition_key;
    if (seenKeys.has(key)) continue;
    seenKeys.add(key);
    if (message.next_attempt_at > now) {
      nextDueAt = Math.min(nextDueAt ?? Infinity, message.next_attempt_at);
      continue;
    }
    const size = Buffer.byteLength(message.body, 'utf8') + Buffer.byteLength(key, 'utf8');
    if (batch.length > 0 && bytes + size > limits.maxBatchBytes) break;
    batch.push(message);
    bytes += size;
    if (batch.length === limits.maxBatchMessages) break;
  }
  return { batch, nextDueAt };
}

/**
 * What a backlog read passes over: profiles in flight, and every message of a profile after its oldest (only that
 * one can go: one per profile per batch, in order), so a busy profile costs a lookup per message, not a read-out.
 */
export function firstOfEachProfile(inFlight: ReadonlySet<string>): (key: string) => boolean {
  const seen = new Set<string>();
  return (key) => {
    if (inFlight.has(key) || seen.has(key)) return true;
    seen.add(key);
    return false;
  };
}

/** A stored message as its connector gets it: the host's id for it, its key and its body. */
export function toDeliveryMessage(message: PendingMessage): DeliveryMessage {
  // A replayed message goes with the id it had the first time.
  return { id: String(message.originalId ?? message.seq), partitionKey: message.partition_key, body: message.body };
}
