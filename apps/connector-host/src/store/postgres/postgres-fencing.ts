import { sql, type Transaction } from 'kysely';
import type { NewDeadLetter } from '../repositories/dead-letters.repository.js';
import type { Database } from '../schema.js';
import type { ChunkChanges } from '../outbox/chunk-changes.js';
import { encodeDead, encodeState } from '../outbox/outbox-chunk.js';
import { encodeAttempts, encodeFinalAttempts } from '../history/chunk-attempts.js';
import { CHUNK_BYTES } from './postgres-chunk-io.js';
import type { SettlementItem } from '../outbox/outbox-store.js';

// The fencing of PostgreSQL settlements: a first statement takes the leases the rounds were selected under, and
// every write after it names the owner and epoch again, in the statement itself.

/**
 * The partitions of `fence` whose lease this instance still holds with that epoch and that has not expired
 * (the database's clock), locked FOR KEY SHARE until commit so no other instance can take them meanwhile.
 */
export async function holdLeases(trx: Transaction<Database>, owner: string, fence: ReadonlyMap<number, number>): Promise<Set<number>> {
  if (fence.size === 0) return new Set();
  const { rows } = await sql<{ partition: number }>`
    SELECT l.partition FROM partition_leases l
    JOIN unnest(${[...fence.keys()]}::int[], ${[...fence.values()]}::bigint[]) AS f(partition, epoch) ON f.partition = l.partition
    WHERE l.owner = ${owner} AND l.epoch = f.epoch AND l.expires_at > clock_timestamp()
    FOR KEY SHARE OF l`.execute(trx);
  return new Set(rows.map((row) => row.partition));
}

/** Writes changes (states, removals, dead letters), each statement guarded by the lease owner and epoch. */
export async function writeFenced(
  trx: Transaction<Database>,
  owner: string,
  changes: ChunkChanges,
  fence: ReadonlyMap<number, number>,
): Promise<void> {
  if (changes.isEmpty()) return;
  const guard = (partition: ReturnType<typeof sql.ref>) => sql`EXISTS (
    SELECT 1 FROM partition_leases l JOIN unnest(${[...fence.keys()]}::int[], ${[...fence.values()]}::bigint[]) AS f(partition, epoch)
      ON f.partition = l.partition
    WHERE l.partition = ${partition} AND l.owner = ${owner} AND l.epoch = f.epoch)`;
  const updated = [...changes.outcomes].filter(([, outcome]) => outcome.pending > 0);
  const removed = [...changes.outcomes].filter(([, outcome]) => outcome.pending === 0).map(([seq]) => seq);
  const applied = new Set<number>();
  if (updated.length > 0) {
    const { rows } = await sql<{ seq: number }>`
      UPDATE outbox_chunks c SET pending = v.pending, state = v.state
      FROM unnest(${updated.map(([seq]) => seq)}::bigint[], ${updated.map(([, o]) => o.pending)}::int[],
                  ${updated.map(([, o]) => encodeState(o.state))}::text[]) AS v(seq, pending, state)
      WHERE c.seq = v.seq AND ${guard(sql.ref('c.partition'))}
      RETURNING c.seq`.execute(trx);
    for (const row of rows) applied.add(row.seq);
  }
  if (removed.length > 0 && !changes.keepsHistory) {
    const { rows } = await sql<{ seq: number }>`
      DELETE FROM outbox_chunks c WHERE c.seq = ANY(${removed}::bigint[]) AND ${guard(sql.ref('c.partition'))}
      RETURNING c.seq`.execute(trx);
    for (const row of rows) applied.add(row.seq);
  } else if (removed.length > 0) {
    // Into the message history in the same statement: the row moves whole (its messages' TOAST copied once).
    const states = removed.map((seq) => changes.outcomes.get(seq)!.state);
    const { final } = changes.attemptsByPlace();
    const { rows } = await sql<{ seq: number }>`
      WITH moved AS (
        DELETE FROM outbox_chunks c WHERE c.seq = ANY(${removed}::bigint[]) AND ${guard(sql.ref('c.partition'))}
        RETURNING c.seq, c.connector_id, c.partition, c.accepted_at, ${CHUNK_BYTES} AS bytes, c.messages, c.replay_id
      ), kept AS (
        INSERT INTO message_history (seq, connector_id, partition, accepted_at, settled_at, count, bytes, dead, attempts, messages, replay_id)
        SELECT m.seq, m.connector_id, m.partition, m.accepted_at, ${Date.now()}::bigint, v.count, m.bytes, v.dead, v.attempts, m.messages,
               m.replay_id
        FROM moved m JOIN unnest(${removed}::bigint[], ${states.map((state) => state.done.size)}::int[],
                                 ${states.map(encodeDead)}::text[], ${removed.map((seq) => encodeFinalAttempts(final.get(seq) ?? []))}::text[])
             AS v(seq, count, dead, attempts) ON v.seq = m.seq
      )
      SELECT seq FROM moved`.execute(trx);
    for (const row of rows) applied.add(row.seq);
  }
  const buried: (NewDeadLetter & { partition: number })[] = [];
  for (const [seq, outcome] of changes.outcomes) {
    if (!applied.has(seq)) {
      // Not ours any more: nothing of this chunk was written, so nothing counts as settled.
      changes.outcomes.delete(seq);
      continue;
    }
    for (const row of outcome.buried) buried.push({ ...row, partition: outcome.partition });
  }
  const attempts = changes.attemptsByPlace().rows.filter((row) => applied.has(row.chunkSeq));
  if (attempts.length > 0) {
    await sql`
      INSERT INTO message_attempts (connector_id, chunk_seq, at, latency_ms, entries)
      SELECT * FROM unnest(${attempts.map((row) => row.connectorId)}::text[], ${attempts.map((row) => row.chunkSeq)}::bigint[],
                           ${attempts.map((row) => row.at)}::bigint[], ${attempts.map((row) => row.latencyMs)}::int[],
                           ${attempts.map(encodeAttempts)}::text[])`.execute(trx);
  }
  if (buried.length > 0) {
    const column = <K extends keyof NewDeadLetter>(name: K) => buried.map((row) => row[name]);
    await sql`
      INSERT INTO dead_letters (connector_id, partition_key, source_id, body, accepted_at, attempts, failed_at, error_code, error_message, message_id, bytes)
      SELECT d.connector_id, d.partition_key, d.source_id, d.body, d.accepted_at, d.attempts, d.failed_at, d.error_code, d.error_message,
             d.message_id, octet_length(d.body) + octet_length(d.partition_key)
      FROM unnest(${column('connectorId')}::text[], ${column('profileId')}::text[], ${column('sourceId')}::text[], ${column('body')}::text[],
                  ${column('acceptedAt')}::bigint[], ${column('attempts')}::int[], ${column('failedAt')}::bigint[], ${column('errorCode')}::text[],
                  ${column('errorMessage')}::text[], ${column('messageId')}::bigint[], ${buried.map((row) => row.partition)}::int[])
           AS d(connector_id, partition_key, source_id, body, accepted_at, attempts, failed_at, error_code, error_message, message_id, partition)
      WHERE ${guard(sql.ref('d.partition'))}`.execute(trx);
  }
}

/** The fence of many rounds together: per partition the oldest epoch any of them was selected under. */
export function fenceOf(items: readonly SettlementItem[]): Map<number, number> {
  const fence = new Map<number, number>();
  for (const { fence: own } of items) {
    for (const [partition, epoch] of own?.epochs ?? []) fence.set(partition, Math.min(fence.get(partition) ?? Infinity, epoch));
  }
  return fence;
}
