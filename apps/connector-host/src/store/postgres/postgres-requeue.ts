import { sql, type Transaction } from 'kysely';
import type { StoreSignals } from '../cluster/store-signals.js';
import { CHUNK_MAX_MESSAGES } from '../outbox/outbox-chunk.js';
import type { AppendedChunk, ReplayStep } from '../outbox/outbox-store.js';
import type { ReplayedDeadLetter } from '../repositories/dead-letters.repository.js';
import { requeuedMessage } from '../outbox/requeued-dead-letter.js';
import type { Database } from '../schema.js';
import { insertChunks, notifyAppended } from './postgres-chunk-io.js';

// What the PostgreSQL outbox appends besides intake's commits: requeued dead letters and a replay's steps.

/**
 * One batch of a dead-letter replay, in the caller's transaction: takes the given dead letters (or the oldest up to
 * CHUNK_MAX_MESSAGES of those up to id `upTo`) out of the dead letters and appends them to the outbox, in their
 * original order, telling the other instances.
 */
export async function requeueDeadLetters(
  trx: Transaction<Database>,
  connectorId: string,
  which: readonly number[] | { upTo: number },
  acceptedAt: number,
  partitions: number,
  signals: StoreSignals,
): Promise<AppendedChunk[]> {
  const { rows } = !('upTo' in which)
    ? await sql<ReplayedDeadLetter>`
        DELETE FROM dead_letters WHERE connector_id = ${connectorId} AND id = ANY(${which}::bigint[])
        RETURNING id, message_id, partition_key, source_id, body`.execute(trx)
    : await sql<ReplayedDeadLetter>`
        DELETE FROM dead_letters WHERE id IN (
          SELECT id FROM dead_letters WHERE connector_id = ${connectorId} AND id <= ${which.upTo}
          ORDER BY id LIMIT ${CHUNK_MAX_MESSAGES} FOR UPDATE)
        RETURNING id, message_id, partition_key, source_id, body`.execute(trx);
  if (rows.length === 0) return [];
  rows.sort((a, b) => a.id - b.id);
  const messages = rows.map((row) => requeuedMessage(connectorId, row));
  const chunks = await insertChunks(trx, messages, acceptedAt, partitions);
  await notifyAppended(trx, chunks, signals);
  return chunks;
}

/**
 * A replay's step, in the caller's transaction: its progress, then what it requeues (with the replay's id); nothing,
 * and undefined, when the replay no longer runs under the step's owner (cancelled, or another instance took it over).
 */
export async function appendReplayStep(
  trx: Transaction<Database>,
  { id, owner, messages, nextSeq, done }: ReplayStep,
  acceptedAt: number,
  partitions: number,
  signals: StoreSignals,
): Promise<AppendedChunk[] | undefined> {
  const { rows } = await sql`
    UPDATE replays SET next_seq = ${nextSeq}, requeued = requeued + ${messages.length},
      status = CASE WHEN ${done} THEN 'done' ELSE status END, finished_at = ${done ? acceptedAt : null}
    WHERE id = ${id} AND owner = ${owner} AND status = 'running' RETURNING id`.execute(trx);
  if (rows.length === 0) return undefined;
  const chunks = await insertChunks(trx, messages, acceptedAt, partitions, id);
  await notifyAppended(trx, chunks, signals);
  return chunks;
}
