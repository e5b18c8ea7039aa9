import { type ChunkState, decodeState, messageSeq } from './outbox-chunk.js';
import type { PendingView } from './outbox-store.js';

/** A stored message as both engines' searches read it: one row per message of a chunk. */
export interface SearchRow {
  chunk: number;
  connector_id: string;
  accepted_at: number;
  state: string | null;
  idx: number;
  partition_key: string;
  source_id: string | null;
}

/** The pending ones among stored messages (newest first), as the deliveries API shows them, at most `limit`. */
export function pendingViews(rows: Iterable<SearchRow> & { return?: () => unknown }, limit: number): PendingView[] {
  const found: PendingView[] = [];
  const states = new Map<number, ChunkState>();
  for (const row of rows) {
    let state = states.get(row.chunk);
    if (!state) states.set(row.chunk, (state = decodeState(row.state)));
    if (state.done.has(row.idx)) continue;
    const retry = state.retry.get(row.idx);
    found.push({
      seq: messageSeq(row.chunk, row.idx),
      connector_id: row.connector_id,
      partition_key: row.partition_key,
      source_id: row.source_id,
      accepted_at: row.accepted_at,
      attempts: retry?.[0] ?? 0,
      next_attempt_at: retry?.[1] ?? 0,
      last_error_code: retry?.[2] ?? null,
      last_error_message: retry?.[3] ?? null,
    });
    if (found.length === limit) {
      rows.return?.();
      break;
    }
  }
  return found;
}
