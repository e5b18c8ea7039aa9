import { type ChunkMessage, splitIntoChunks } from './outbox-chunk.js';
import type { NewMessage } from './outbox-store.js';
import { partitionOf } from './partition-of.js';

/**
 * Messages grouped into chunks: by connector and delivery partition, at most CHUNK_MAX_MESSAGES each, in the
 * order given (so each profile's messages keep their order within and across chunks).
 */
export function chunksByConnector(
  messages: readonly NewMessage[],
  partitions: number,
): { connectorId: string; partition: number; messages: ChunkMessage[] }[] {
  const groups = new Map<string, { connectorId: string; partition: number; messages: ChunkMessage[] }>();
  for (const message of messages) {
    const partition = partitionOf(message.connectorId, message.partitionKey, partitions);
    const id = partitions <= 1 ? message.connectorId : `${message.connectorId}\u0000${partition}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { connectorId: message.connectorId, partition, messages: [] }));
    // Exactly what decoding the stored JSON gives back (no undefined), since committed chunks are served from memory.
    const stored: ChunkMessage = [message.partitionKey, message.sourceId ?? null, message.body];
    if (message.originalId !== undefined) stored.push(message.originalId);
    group.messages.push(stored);
  }
  const chunks: { connectorId: string; partition: number; messages: ChunkMessage[] }[] = [];
  for (const { connectorId, partition, messages: list } of groups.values()) {
    for (const chunk of splitIntoChunks(list)) chunks.push({ connectorId, partition, messages: chunk });
  }
  return chunks;
}
