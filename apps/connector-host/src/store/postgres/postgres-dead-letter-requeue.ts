import { sql, type Transaction } from 'kysely';
import type { StoreSignals } from '../cluster/store-signals.js';
import { CHUNK_MAX_MESSAGES } from '../outbox/outbox-chunk.js';
import type { AppendedChunk } from '../outbox/outbox-store.js';
import type { Database } from '../schema.js';
import { insertChunks, notifyAppended } from './postgres-chunk-io.js';

type Taken = { id: number; partition_key: string; source_id: string | null; body: string };

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
  const { rows } = Array.isArray(which)
    ? await sql<Taken>`
        DELETE FROM dead_letters WHERE connector_id = ${connectorId} AND id = ANY(${which}::bigint[])
        RETURNING id, partition_key, source_id, body`.execute(trx)
    : await sql<Taken>`
        DELETE FROM dead_letters WHERE id IN (
          SELECT id FROM dead_letters WHERE connector_id = ${connectorId} AND id <= ${(which as { upTo: number }).upTo}
          ORDER BY id LIMIT ${CHUNK_MAX_MESSAGES} FOR UPDATE)
        RETURNING id, partition_key, source_id, body`.execute(trx);
  if (rows.length === 0) return [];
  rows.sort((a, b) => a.id - b.id);
  const messages = rows.map((row) => ({ connectorId, partitionKey: row.partition_key, sourceId: row.source_id, body: row.body }));
  const chunks = await insertChunks(trx, messages, acceptedAt, partitions);
  await notifyAppended(trx, chunks, signals);
  return chunks;
}
