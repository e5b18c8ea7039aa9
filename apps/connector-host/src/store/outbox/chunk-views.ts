import { type ChunkMessage, type ChunkState, decodeState, messageSeq } from './outbox-chunk.js';
import type { PendingMessage } from './pending-message.js';
import type { ChunkRow } from './settlement.js';

/** What a read needs of a chunk's state: the indexes of its messages still pending, in order, and their retries. */
export interface ChunkView {
  retry: ChunkState['retry'];
  pending: readonly number[];
}

/** What an entry costs beyond its indexes (a Map, an array, two objects, the text): counted as this many indexes. */
const ENTRY_COST = 16;

/** Decodes a chunk's stored state (`text`) for a read of its `messages` messages. */
export function viewOf(text: string | null, messages: number): ChunkView {
  const state = decodeState(text);
  const pending: number[] = [];
  for (let index = 0; index < messages; index++) if (!state.done.has(index)) pending.push(index);
  return { retry: state.retry, pending };
}

/**
 * Chunk states decoded for the head reads of one outbox. A read that walks past busy profiles' queued messages
 * decodes every chunk's state on its way (up to 1,000 settled indexes a chunk) and visits every settled message: in
 * the one-connector Zipf row that was 31 of the delivery thread's 54 busy seconds. A state changes only when a
 * settlement rewrites its text, so a view is reused while the text read is the same, and a read visits only the
 * pending indexes. Bounded by the indexes held; what falls out is decoded again.
 */
export class ChunkViews {
  private readonly byChunk = new Map<number, { text: string | null; messages: number; view: ChunkView; size: number }>();
  private size = 0;

  constructor(private readonly capacity = 200_000) {}

  /** The view of chunk `seq` whose state reads `text` now. */
  of(seq: number, text: string | null, messages: number): ChunkView {
    const cached = this.byChunk.get(seq);
    if (cached && cached.text === text && cached.messages === messages) return cached.view;
    const view = viewOf(text, messages);
    const size = ENTRY_COST + view.pending.length + view.retry.size;
    this.forget(seq);
    if (size > this.capacity) return view;
    for (const oldest of this.byChunk.keys()) {
      if (this.size + size <= this.capacity) break;
      this.forget(oldest);
    }
    this.byChunk.set(seq, { text, messages, view, size });
    this.size += size;
    return view;
  }

  forget(seq: number): void {
    const entry = this.byChunk.get(seq);
    if (!entry) return;
    this.byChunk.delete(seq);
    this.size -= entry.size;
  }
}

/**
 * Appends a chunk's pending messages after `afterSeq` to `found`, in order, leaving out settled ones and those
 * `skipKey` names; stops at `limit`. Returns whether `found` is full.
 */
export function pendingOf(
  row: ChunkRow,
  messages: readonly ChunkMessage[],
  afterSeq: number,
  found: PendingMessage[],
  limit: number,
  skipKey?: (key: string) => boolean,
  view: ChunkView = viewOf(row.state, messages.length),
): boolean {
  const { retry: retries, pending } = view;
  for (const index of pending) {
    const seq = messageSeq(row.seq, index);
    if (seq <= afterSeq) continue;
    const [partitionKey, sourceId, body, originalId] = messages[index];
    if (skipKey?.(partitionKey)) continue;
    const retry = retries.get(index);
    found.push({
      seq,
      connector_id: row.connector_id,
      partition: row.partition,
      partition_key: partitionKey,
      source_id: sourceId,
      body,
      accepted_at: row.accepted_at,
      attempts: retry?.[0] ?? 0,
      next_attempt_at: retry?.[1] ?? 0,
      ...(originalId === undefined ? {} : { originalId }),
      ...(row.trace ? { trace: row.trace } : {}),
    });
    if (found.length === limit) return true;
  }
  return false;
}
