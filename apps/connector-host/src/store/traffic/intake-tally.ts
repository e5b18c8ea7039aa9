import type { IntakeRecord } from '../outbox/outbox-store.js';
import { TrafficTally } from './traffic-tally.js';

/**
 * What a group of requests counts for connectors: their skips (`no_binding` names none: it counts for no
 * connector), and the largest message each connector got (what its check compares the destination's limits with).
 */
export function intakeTally(requests: readonly IntakeRecord[]): TrafficTally {
  const tally = new TrafficTally();
  // Per connector first (a plain map, no key text per message): this runs for every message taken in.
  const largest = new Map<string, { bytes: number; at: number }>();
  for (const { messages, skipped, acceptedAt } of requests) {
    for (const skip of skipped ?? []) if (skip.connectorId !== null) tally.add(skip.connectorId, `skipped.${skip.reason}`, acceptedAt);
    for (const { connectorId, body } of messages) {
      const bytes = Buffer.byteLength(body);
      const known = largest.get(connectorId);
      if (!known) largest.set(connectorId, { bytes, at: acceptedAt });
      else if (bytes > known.bytes) [known.bytes, known.at] = [bytes, acceptedAt];
    }
  }
  for (const [connectorId, { bytes, at }] of largest) tally.raise(connectorId, 'largest_message_bytes', at, bytes);
  return tally;
}
