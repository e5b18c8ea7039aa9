import type { FailureCategory } from '@event-connectors/connector-sdk';
import type { NewDeadLetter } from '../repositories/dead-letters.repository.js';
import { ChunkAttemptsBuilder, type RoundFacts } from '../history/chunk-attempts.js';
import { ChunkChanges } from './chunk-changes.js';
import { type ChunkMessage, chunkOf, decodeState, indexIn, messageSeq } from './outbox-chunk.js';

export interface RetryUpdate {
  seq: number;
  nextAttemptAt: number;
  code: string;
  message: string;
  /** The failure's kind for the traffic statistics; `other` when absent. */
  category?: FailureCategory;
}

export interface DeadLetterUpdate {
  seq: number;
  code: string;
  message: string;
  category?: FailureCategory;
  /** Whether a failed attempt led here (the statistics count it as one); false for what only outlived its age. */
  attempted?: boolean;
}

/** What one delivery round decided, written in one transaction. */
export interface Settlement {
  delivered: number[];
  /** Those of `delivered` whose call type is REMOVED (the statistics count them apart). */
  removed?: number[];
  retry: RetryUpdate[];
  dead: DeadLetterUpdate[];
  /** The call's time, latency and receipts, for a store that keeps the message history. */
  round?: RoundFacts;
}

/** A chunk as a reader sees it: everything but its messages (which are usually cached decoded). */
export interface ChunkRow {
  seq: number;
  connector_id: string;
  partition: number;
  accepted_at: number;
  pending: number;
  state: string | null;
  /** Its stored bytes (the JSON of its messages): what the backlog's bytes lose when it is removed. */
  bytes: number;
  /** The traceparent of the commit that wrote it (tracing on), else null. */
  trace?: string | null;
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
  const removed = settlement.removed?.length ? new Set(settlement.removed) : undefined;
  const { tally } = changes;
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
    const connectorId = row.connector_id;
    const attempts =
      changes.keepsHistory && settlement.round ? new ChunkAttemptsBuilder(connectorId, chunkSeq, settlement.round) : undefined;
    const settle = (index: number) => {
      if (state.done.has(index)) return false;
      state.done.add(index);
      state.retry.delete(index);
      settled++;
      return true;
    };
    // Counted only when settled here, never twice: a message another round or instance settled already is not.
    let delivered = 0;
    let deliveredRemoved = 0;
    for (const seq of update.delivered) {
      if (!settle(indexIn(seq))) continue;
      attempts?.delivered(indexIn(seq), settlement.round?.receipts.get(seq));
      delivered++;
      if (removed?.has(seq)) deliveredRemoved++;
    }
    tally.add(connectorId, 'delivered', now, delivered);
    tally.add(connectorId, 'delivered_removed', now, deliveredRemoved);
    for (const dead of update.dead) {
      const index = indexIn(dead.seq);
      if (state.done.has(index)) continue;
      const category = dead.category ?? 'other';
      tally.add(connectorId, `dead_lettered.${category}`, now);
      if (dead.attempted !== false) tally.add(connectorId, `failed.${category}`, now);
      const attemptCount = (state.retry.get(index)?.[0] ?? 0) + 1;
      buried.push(deadLetterOf(row, messagesOf(row)[index], index, attemptCount, now, dead.code, dead.message));
      settle(index);
      // Kept whether or not the history is (what tells a settled message's outcome in a chunk still pending); its
      // message text only for the history.
      (state.dead ??= new Map()).set(index, [dead.code, changes.keepsHistory ? dead.message : '']);
      if (dead.attempted !== false) attempts?.failed(index, 'dead', dead.code, dead.message);
    }
    for (const retry of update.retry) {
      const index = indexIn(retry.seq);
      if (state.done.has(index)) continue;
      tally.add(connectorId, `failed.${retry.category ?? 'other'}`, now);
      tally.add(connectorId, 'retried', now);
      state.retry.set(index, [(state.retry.get(index)?.[0] ?? 0) + 1, retry.nextAttemptAt, retry.code, retry.message]);
      attempts?.failed(index, 'retry', retry.code, retry.message);
    }
    changes.store(row, row.pending - settled, state, settled, buried);
    if (attempts && !attempts.isEmpty) changes.attempts.push(attempts.row);
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
    messagesOf(row).forEach((message, index) => {
      if (state.done.has(index)) return;
      const retry = state.retry.get(index);
      const lastError = retry ? `${retry[2]}: ${retry[3]}` : 'none';
      const why = `undelivered past the maximum age; last error ${lastError}`;
      buried.push(deadLetterOf(row, message, index, retry?.[0] ?? 0, now, 'MaxAgeExceeded', why));
      (state.dead ??= new Map()).set(index, ['MaxAgeExceeded', changes.keepsHistory ? why : '']);
      state.done.add(index);
    });
    count += buried.length;
    // What outlived its age while its connector was paused: no attempt failed here, its kind is unknown.
    changes.tally.add(row.connector_id, 'dead_lettered.other', now, buried.length);
    changes.store(row, 0, state, buried.length, buried);
  }
  return count;
}

/** A chunk's message as it moves to the dead letters. */
function deadLetterOf(
  row: ChunkRow,
  [profileId, sourceId, body, originalId]: ChunkMessage,
  index: number,
  attempts: number,
  failedAt: number,
  errorCode: string,
  errorMessage: string,
): NewDeadLetter {
  return {
    connectorId: row.connector_id,
    profileId,
    sourceId,
    body,
    acceptedAt: row.accepted_at,
    attempts,
    failedAt,
    errorCode,
    errorMessage,
    messageId: originalId ?? messageSeq(row.seq, index),
  };
}
