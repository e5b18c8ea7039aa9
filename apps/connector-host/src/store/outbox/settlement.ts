import type { NewDeadLetter } from '../dead-letters.repository.js';
import { ChunkChanges } from './chunk-changes.js';
import { type ChunkMessage, type ChunkState, chunkOf, decodeState, indexIn, messageSeq } from './outbox-chunk.js';
import type { PendingMessage } from './pending-message.js';

export interface RetryUpdate {
  seq: number;
  nextAttemptAt: number;
  code: string;
  message: string;
}

export interface DeadLetterUpdate {
  seq: number;
  code: string;
  message: string;
}

/** What one delivery round decided, written in one transaction. */
export interface Settlement {
  delivered: number[];
  retry: RetryUpdate[];
  dead: DeadLetterUpdate[];
}

/** A chunk as a reader sees it: everything but its messages (which are usually cached decoded). */
export interface ChunkRow {
  seq: number;
  connector_id: string;
  partition: number;
  accepted_at: number;
  pending: number;
  state: string | null;
}

/** The chunks a settlement touches, by seq. */
export function chunksOf(settlement: Settlement): number[] {
  const seqs = new Set<number>();
  for (const seq of settlement.delivered) seqs.add(chunkOf(seq));
  for (const retry of settlement.retry) seqs.add(chunkOf(retry.seq));
  for (const dead of settlement.dead) seqs.add(chunkOf(dead.seq));
  return [...seqs];
}

/**
 * What a settlement changes, chunk by chunk, given the chunks as the store holds them now (`rowOf`; a missing
 * one's connector was deleted) into `changes`: settled indexes, retry states, dead letters. Pure arithmetic,
 * shared by both engines; a message settled already is not settled (or counted) again.
 */
export function settlementChanges(
  settlement: Settlement,
  rowOf: (chunkSeq: number) => ChunkRow | undefined,
  messagesOf: (row: ChunkRow) => ChunkMessage[],
  now: number,
  changes = new ChunkChanges(),
): ChunkChanges {
  const byChunk = new Map<number, Settlement>();
  const of = (seq: number) => {
    let entry = byChunk.get(chunkOf(seq));
    if (!entry) byChunk.set(chunkOf(seq), (entry = { delivered: [], retry: [], dead: [] }));
    return entry;
  };
  for (const seq of settlement.delivered) of(seq).delivered.push(seq);
  for (const retry of settlement.retry) of(retry.seq).retry.push(retry);
  for (const dead of settlement.dead) of(dead.seq).dead.push(dead);

  for (const [chunkSeq, update] of byChunk) {
    const row = rowOf(chunkSeq);
    if (!row) continue;
    const state = decodeState(row.state);
    let settled = 0;
    const buried: NewDeadLetter[] = [];
    const settle = (index: number) => {
      if (state.done.has(index)) return;
      state.done.add(index);
      state.retry.delete(index);
      settled++;
    };
    for (const seq of update.delivered) settle(indexIn(seq));
    for (const dead of update.dead) {
      const index = indexIn(dead.seq);
      if (state.done.has(index)) continue;
      const [partitionKey, sourceId, body] = messagesOf(row)[index];
      const attempts = (state.retry.get(index)?.[0] ?? 0) + 1;
      buried.push([row.connector_id, partitionKey, sourceId, body, row.accepted_at, attempts, now, dead.code, dead.message]);
      settle(index);
    }
    for (const retry of update.retry) {
      const index = indexIn(retry.seq);
      if (state.done.has(index)) continue;
      state.retry.set(index, [(state.retry.get(index)?.[0] ?? 0) + 1, retry.nextAttemptAt, retry.code, retry.message]);
    }
    changes.store(row, row.pending - settled, state, settled, buried);
  }
  return changes;
}

/**
 * Dead-letters every pending message of `rows` (chunks past the maximum age) into `changes`, whole chunks until
 * at least `limit` messages; returns how many.
 */
export function expiryChanges(
  rows: readonly ChunkRow[],
  messagesOf: (row: ChunkRow) => ChunkMessage[],
  now: number,
  limit: number,
  changes: ChunkChanges,
): number {
  let count = 0;
  for (const row of rows) {
    if (count >= limit) break;
    const state = decodeState(row.state);
    const buried: NewDeadLetter[] = [];
    messagesOf(row).forEach(([partitionKey, sourceId, body], index) => {
      if (state.done.has(index)) return;
      const retry = state.retry.get(index);
      const lastError = retry ? `${retry[2]}: ${retry[3]}` : 'none';
      buried.push([
        row.connector_id,
        partitionKey,
        sourceId,
        body,
        row.accepted_at,
        retry?.[0] ?? 0,
        now,
        'MaxAgeExceeded',
        `undelivered past the maximum age; last error ${lastError}`,
      ]);
    });
    count += buried.length;
    changes.store(row, 0, state, buried.length, buried);
  }
  return count;
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
  state: ChunkState = decodeState(row.state),
): boolean {
  for (let index = 0; index < messages.length; index++) {
    const seq = messageSeq(row.seq, index);
    if (seq <= afterSeq || state.done.has(index)) continue;
    const [partitionKey, sourceId, body] = messages[index];
    if (skipKey?.(partitionKey)) continue;
    const retry = state.retry.get(index);
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
    });
    if (found.length === limit) return true;
  }
  return false;
}
