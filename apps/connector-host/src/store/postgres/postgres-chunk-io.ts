import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import type { StoreSignals } from '../cluster/store-signals.js';
import type { DecodedChunks } from '../outbox/decoded-chunks.js';
import { type ChunkMessage, decodeMessages, encodeMessages } from '../outbox/outbox-chunk.js';
import { chunksByConnector } from '../outbox/outbox-grouping.js';
import type { AppendedChunk, NewMessage, PendingMessage } from '../outbox/outbox-store.js';
import type { SearchedChunk } from '../outbox/outbox-search.js';
import type { ChunkRow } from '../outbox/settlement.js';
import { type ChunkViews, pendingOf } from '../outbox/chunk-views.js';

// The PostgreSQL outbox's reads and appends of chunks (see postgres-outbox.ts).

/** Chunks read by a head read's first query: enough for a batch when profiles do not repeat. */
const CHUNKS_PER_READ = 64;
/**
 * Stored bytes a later query of the same head read aims at: a read past busy profiles' messages (a journey storm)
 * walks the whole backlog, so its queries grow to about this much chunk text (by the chunks' stored sizes so far:
 * a chunk is read and decoded whole, settled messages included) instead of a round trip per 64 chunks of one or two
 * messages each.
 */
export const BYTES_PER_LATER_READ = 8 * 1024 * 1024;
const MAX_CHUNKS_PER_READ = 4096;
/** A chunk's stored size; one stored before it was recorded (or by an older instance) is measured. */
export const CHUNK_BYTES = sql`coalesce(bytes, octet_length(messages))`;
export const CHUNK_COLUMNS = sql`seq, connector_id, partition, accepted_at, pending, state, ${CHUNK_BYTES} AS bytes, trace`;

export interface HeadRead {
  connectorId: string;
  /** The partitions this instance may select from. */
  partitions: number[];
  pageSize: number;
  pages: number;
  skipKey?: (key: string) => boolean;
  /** Chunk text a query after the first aims at (tests make it small to cross many query boundaries). */
  bytesPerLaterRead?: number;
}

/**
 * Read in one snapshot (REPEATABLE READ), not page by page at READ COMMITTED: a page read later could show a
 * chunk committed since with a lower seq than the previous page's last (seqs are drawn before commit), and
 * skip it while showing a later message of the same profile. In one snapshot, a profile's later message (posted
 * after its earlier one was committed) is never visible without the earlier one.
 */
export async function readHead(
  db: Kysely<Database>,
  cache: DecodedChunks,
  views: ChunkViews,
  { connectorId, partitions, pageSize, pages, skipKey, bytesPerLaterRead = BYTES_PER_LATER_READ }: HeadRead,
): Promise<PendingMessage[]> {
  const wanted = pageSize * pages;
  const now = Date.now();
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const found: PendingMessage[] = [];
      // As SQLite's lazy read stops once the batch is chosen: enough profiles due now to fill a batch is enough.
      const due = new Set<string>();
      const seen = new Set<string>();
      for (let afterSeq = 0, limit = CHUNKS_PER_READ; ;) {
        const { rows } = await sql<ChunkRow>`
          SELECT ${CHUNK_COLUMNS} FROM outbox_chunks
          WHERE connector_id = ${connectorId} AND seq > ${afterSeq} AND partition = ANY(${partitions}::int[])
          ORDER BY seq LIMIT ${limit}`.execute(trx);
        if (rows.length === 0) return found;
        const messages = await readMessages(trx, cache, rows);
        for (const row of rows) {
          const from = found.length;
          const chunk = messages.get(row.seq)!;
          const full = pendingOf(row, chunk, 0, found, wanted, skipKey, views.of(row.seq, row.state, chunk.length));
          for (let index = from; index < found.length; index++) {
            const { partition_key: key, next_attempt_at: dueAt } = found[index];
            if (seen.has(key)) continue;
            seen.add(key);
            if (dueAt <= now) due.add(key);
          }
          if (full || due.size >= pageSize) return found;
        }
        if (rows.length < limit) return found;
        afterSeq = rows[rows.length - 1].seq;
        const bytesPerChunk = Math.max(1, rows.reduce((sum, row) => sum + row.bytes, 0) / rows.length);
        limit = Math.min(MAX_CHUNKS_PER_READ, Math.max(CHUNKS_PER_READ, Math.floor(bytesPerLaterRead / bytesPerChunk)));
      }
    });
}

/**
 * The messages of these chunks, from the cache or (those it lacks, in one query) the store, kept for the next
 * round. Returned, not left in the cache: keeping one chunk may push out another of the same rows.
 */
export async function readMessages(
  db: Kysely<Database>,
  cache: DecodedChunks,
  rows: readonly ChunkRow[],
): Promise<Map<number, ChunkMessage[]>> {
  const messages = new Map<number, ChunkMessage[]>();
  const missing: number[] = [];
  for (const row of rows) {
    const cached = cache.get(row.seq);
    if (cached) messages.set(row.seq, cached);
    else missing.push(row.seq);
  }
  if (missing.length === 0) return messages;
  const { rows: found } = await sql<{ seq: number; messages: string }>`
    SELECT seq, messages FROM outbox_chunks WHERE seq = ANY(${missing}::bigint[])`.execute(db);
  for (const row of found) {
    const decoded = decodeMessages(row.messages);
    messages.set(row.seq, decoded);
    cache.keep(row.seq, decoded);
  }
  // A chunk removed meanwhile (its connector deleted) has no messages left to read.
  for (const seq of missing) if (!messages.has(seq)) messages.set(seq, []);
  return messages;
}

/** Inserts messages as chunks (per connector and partition) in one statement; their seqs come back in order. */
export async function insertChunks(
  trx: Transaction<Database>,
  messages: readonly NewMessage[],
  acceptedAt: number,
  partitions: number,
  replayId: string | null = null,
  trace: string | null = null,
): Promise<AppendedChunk[]> {
  const chunks = chunksByConnector(messages, partitions);
  if (chunks.length === 0) return [];
  const encoded = chunks.map((c) => encodeMessages(c.messages));
  const sizes = encoded.map((text) => Buffer.byteLength(text));
  // Identity values are drawn in the order rows are inserted, which WITH ORDINALITY ... ORDER BY fixes: sorted,
  // the returned seqs match the chunks in order.
  const { rows } = await sql<{ seq: number }>`
    INSERT INTO outbox_chunks (connector_id, partition, accepted_at, pending, messages, bytes, replay_id, trace)
    SELECT c, p, ${acceptedAt}::bigint, n, m, b, ${replayId}::text, ${trace}::text
    FROM unnest(${chunks.map((c) => c.connectorId)}::text[], ${chunks.map((c) => c.partition)}::int[],
                ${chunks.map((c) => c.messages.length)}::int[], ${encoded}::text[], ${sizes}::bigint[])
         WITH ORDINALITY AS t(c, p, n, m, b, o)
    ORDER BY o
    RETURNING seq`.execute(trx);
  const seqs = rows.map((row) => row.seq).sort((a, b) => a - b);
  return chunks.map((chunk, index) => ({ seq: seqs[index], ...chunk, bytes: sizes[index] }));
}

/** Tells the other instances what was appended, by connector and partition (sent when the transaction commits). */
export async function notifyAppended(trx: Transaction<Database>, chunks: readonly AppendedChunk[], signals: StoreSignals): Promise<void> {
  if (chunks.length === 0) return;
  const counts = new Map<string, [string, number, number, number]>();
  for (const chunk of chunks) {
    const id = `${chunk.connectorId}\u0000${chunk.partition}`;
    const entry = counts.get(id) ?? [chunk.connectorId, chunk.partition, 0, 0];
    entry[2] += chunk.messages.length;
    entry[3] += chunk.bytes;
    counts.set(id, entry);
  }
  await sql`SELECT pg_notify(${signals.outboxChannel}, ${signals.appendedPayload([...counts.values()])})`.execute(trx);
}

/** A page of an operator's search: chunks before `beforeSeq` (of one connector, or all), newest first. */
export async function searchPage(
  db: Kysely<Database>,
  connectorId: string | undefined,
  beforeSeq: number,
  count: number,
): Promise<SearchedChunk[]> {
  let query = db
    .selectFrom('outbox_chunks')
    .select(['seq', 'connector_id', 'accepted_at', 'state', 'messages'])
    .where('seq', '<', beforeSeq)
    .orderBy('seq', 'desc')
    .limit(count);
  if (connectorId !== undefined) query = query.where('connector_id', '=', connectorId);
  return query.execute();
}
