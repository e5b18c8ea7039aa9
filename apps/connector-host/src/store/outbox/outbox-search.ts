import type { MessageFilter } from '../message-filter.js';
import { decodeMessages, decodeState, messageSeq } from './outbox-chunk.js';
import type { PendingView } from './pending-message.js';

/** A chunk as an operator's search reads it, with its messages still encoded. */
export interface SearchedChunk {
  seq: number;
  connector_id: string;
  accepted_at: number;
  state: string | null;
  messages: string;
}

/** Reads up to `count` chunks older than `beforeSeq`, newest first (of one connector, if given). */
export type ChunkPager = (connectorId: string | undefined, beforeSeq: number, count: number) => Promise<SearchedChunk[]> | SearchedChunk[];

/** What a search found, and whether it looked through everything (false: it stopped at its budget). */
export interface PendingSearch {
  items: PendingView[];
  complete: boolean;
}

/** Chunks read per page: the event loop takes a turn between pages (intake goes on meanwhile). */
const PAGE_CHUNKS = 16;
/** Characters of chunk text one search reads at most: it looks no further back than that. */
export const SEARCH_BUDGET_CHARS = 32 * 1024 * 1024;

/**
 * An operator's search of the pending messages, newest first: page by page of chunks, decoded here (no per-message
 * index: this is not the delivery path), bounded by `budgetChars` of chunk text so its cost never depends on how
 * large a backlog has grown. Pages are separate reads with a turn of the event loop between them.
 */
export async function searchChunks(
  page: ChunkPager,
  filter: MessageFilter,
  limit: number,
  budgetChars = SEARCH_BUDGET_CHARS,
): Promise<PendingSearch> {
  const items: PendingView[] = [];
  let before = Number.MAX_SAFE_INTEGER;
  let read = 0;
  for (;;) {
    const chunks = await page(filter.connectorId, before, PAGE_CHUNKS);
    for (const [position, chunk] of chunks.entries()) {
      if (read >= budgetChars && position > 0) return { items, complete: false };
      read += chunk.messages.length;
      const messages = decodeMessages(chunk.messages);
      const state = decodeState(chunk.state);
      for (let index = messages.length - 1; index >= 0; index--) {
        const [partitionKey, sourceId] = messages[index];
        if (state.done.has(index)) continue;
        if (filter.profileId !== undefined && partitionKey !== filter.profileId) continue;
        if (filter.sourceId !== undefined && sourceId !== filter.sourceId) continue;
        const retry = state.retry.get(index);
        items.push({
          seq: messageSeq(chunk.seq, index),
          connector_id: chunk.connector_id,
          partition_key: partitionKey,
          source_id: sourceId,
          accepted_at: chunk.accepted_at,
          attempts: retry?.[0] ?? 0,
          next_attempt_at: retry?.[1] ?? 0,
          last_error_code: retry?.[2] ?? null,
          last_error_message: retry?.[3] ?? null,
        });
        if (items.length === limit) return { items, complete: true };
      }
    }
    if (chunks.length < PAGE_CHUNKS) return { items, complete: true };
    if (read >= budgetChars) return { items, complete: false };
    before = chunks[chunks.length - 1].seq;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
