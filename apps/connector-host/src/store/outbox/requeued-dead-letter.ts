import type { ReplayedDeadLetter } from '../repositories/dead-letters.repository.js';
import type { NewMessage } from './outbox-store.js';

/** A dead letter back in the outbox, with the id its message had when known (a receiver drops a repeat). */
export function requeuedMessage(connectorId: string, row: ReplayedDeadLetter): NewMessage {
  return {
    connectorId,
    partitionKey: row.partition_key,
    sourceId: row.source_id,
    body: row.body,
    ...(row.message_id !== null && { originalId: row.message_id }),
  };
}
