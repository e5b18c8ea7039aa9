import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { DatabaseService } from '../database.service.js';
import { BacklogCounters } from './backlog-counters.js';
import type { ChunkOutcome } from './chunk-changes.js';
import { DecodedChunks } from './decoded-chunks.js';
import {
  type ChunkMessage,
  chunkOf,
  decodeMessages,
  decodeState,
  encodeMessages,
  encodeState,
  messageSeq,
  splitIntoChunks,
} from './outbox-chunk.js';

/** A message waiting for delivery; `seq` is its place in the delivery order. */
export interface PendingMessage {
  seq: number;
  connector_id: string;
  partition_key: string;
  source_id: string | null;
  body: string;
  accepted_at: number;
  attempts: number;
  next_attempt_at: number;
}

/** A routed message, ready to be committed. */
export interface NewMessage {
  connectorId: string;
  partitionKey: string;
  sourceId: string | null;
  body: string;
}

/** A chunk `appendAll` wrote, for `committed` once the caller's transaction has committed. */
export interface AppendedChunk {
  seq: number;
  connectorId: string;
  messages: ChunkMessage[];
}

/** A chunk without its messages: what a round reads, since its decoded messages are usually cached. */
export interface ChunkRow {
  seq: number;
  connector_id: string;
  accepted_at: number;
  pending: number;
  state: string | null;
}

/** Chunks read per query while paging: a few batches' worth of messages. */
const CHUNKS_PER_READ = 16;

/**
 * The outbox table: every accepted, not yet settled message, stored in chunks (see outbox-chunk.ts). The hot
 * path, so statements are prepared once and run synchronously inside better-sqlite3 transactions, which nothing
 * else in the process can interleave. It is the only writer of its table; settlements, expiry and replays
 * (outbox-settlements.ts, dead-letter-replay.ts) change it through the methods below.
 */
@Injectable()
export class OutboxRepository {
  /** Pending messages per connector; see backlog-counters.ts for how two event loops keep theirs. */
  readonly counters: BacklogCounters;
  /**
   * Whether committed chunks are kept decoded for a delivery loop on this event loop; off when delivery runs on
   * its own thread (it reads them from the store, and this loop's copy would only take memory).
   */
  keepsCommittedChunks = true;
  private readonly countStored: Statement<[], { connectorId: string; pending: number }>;
  private readonly decoded = new DecodedChunks();
  private readonly insert: Statement<[string, number, number, string]>;
  private readonly chunksFrom: Statement<[string, number, number], ChunkRow>;
  private readonly oneChunk: Statement<[number], ChunkRow>;
  private readonly chunkMessages: Statement<[number], { messages: string }>;
  private readonly expiredChunks: Statement<[string, number, number], ChunkRow>;
  private readonly oldest: Statement<[string], { accepted_at: number }>;
  private readonly updateState: Statement<[number, string | null, number]>;
  private readonly remove: Statement<[number]>;

  constructor(database: DatabaseService) {
    const { sqlite } = database;
    const columns = 'seq, connector_id, accepted_at, pending, state';
    this.insert = sqlite.prepare('INSERT INTO outbox_chunks (connector_id, accepted_at, pending, messages) VALUES (?, ?, ?, ?)');
    this.chunksFrom = sqlite.prepare(`SELECT ${columns} FROM outbox_chunks WHERE connector_id = ? AND seq >= ? ORDER BY seq LIMIT ?`);
    this.oneChunk = sqlite.prepare(`SELECT ${columns} FROM outbox_chunks WHERE seq = ?`);
    this.chunkMessages = sqlite.prepare('SELECT messages FROM outbox_chunks WHERE seq = ?');
    this.expiredChunks = sqlite.prepare(
      `SELECT ${columns} FROM outbox_chunks WHERE connector_id = ? AND accepted_at < ? ORDER BY seq LIMIT ?`,
    );
    this.oldest = sqlite.prepare('SELECT accepted_at FROM outbox_chunks WHERE connector_id = ? ORDER BY seq LIMIT 1');
    this.updateState = sqlite.prepare('UPDATE outbox_chunks SET pending = ?, state = ? WHERE seq = ?');
    this.remove = sqlite.prepare('DELETE FROM outbox_chunks WHERE seq = ?');
    this.countStored = sqlite.prepare(
      'SELECT connector_id AS connectorId, sum(pending) AS pending FROM outbox_chunks GROUP BY connector_id',
    );
    this.counters = new BacklogCounters(this.countStored.all());
  }

  /** Counts the backlogs in the store again (after the other event loop ended without telling all it changed). */
  recount(): void {
    this.counters.replaceAll(this.countStored.all());
  }

  /**
   * Appends messages, one chunk per connector (more for a very big request); the caller runs it inside its
   * own transaction (with the idempotency record) and hands the result to `committed` once that commits.
   */
  appendAll(messages: readonly NewMessage[], acceptedAt: number): AppendedChunk[] {
    const appended: AppendedChunk[] = [];
    for (const { connectorId, messages: chunk } of chunksOf(messages)) {
      const { lastInsertRowid } = this.insert.run(connectorId, acceptedAt, chunk.length, encodeMessages(chunk));
      appended.push({ seq: Number(lastInsertRowid), connectorId, messages: chunk });
    }
    return appended;
  }

  /**
   * Counts committed chunks in the backlog sizes, and keeps their messages decoded for the delivery loop,
   * which usually takes them within one linger: it then neither reads them back nor parses them again.
   * Only once committed (a rolled-back insert's seq is handed out again).
   */
  committed(chunks: readonly AppendedChunk[]): void {
    for (const { seq, connectorId, messages } of chunks) {
      this.counters.add(connectorId, messages.length);
      if (this.keepsCommittedChunks) this.decoded.keepIfRoom(seq, messages);
    }
  }

  /**
   * Pending messages of a connector after `afterSeq`, in delivery order, due or not; those whose key `skipKey`
   * names are left out before they are built (a loop's profiles in flight: neither they nor their successors go).
   */
  page(connectorId: string, afterSeq: number, limit: number, skipKey?: (key: string) => boolean): PendingMessage[] {
    const found: PendingMessage[] = [];
    let fromChunk = chunkOf(afterSeq);
    for (;;) {
      const rows = this.chunksFrom.all(connectorId, fromChunk, CHUNKS_PER_READ);
      for (const row of rows) {
        const messages = this.messagesOf(row);
        const state = decodeState(row.state);
        for (let index = 0; index < messages.length; index++) {
          const seq = messageSeq(row.seq, index);
          if (seq <= afterSeq || state.done.has(index)) continue;
          const [partitionKey, sourceId, body] = messages[index];
          if (skipKey?.(partitionKey)) continue;
          const retry = state.retry.get(index);
          found.push({
            seq,
            connector_id: row.connector_id,
            partition_key: partitionKey,
            source_id: sourceId,
            body,
            accepted_at: row.accepted_at,
            attempts: retry?.[0] ?? 0,
            next_attempt_at: retry?.[1] ?? 0,
          });
          if (found.length === limit) return found;
        }
      }
      if (rows.length < CHUNKS_PER_READ) return found;
      fromChunk = rows[rows.length - 1].seq + 1;
    }
  }

  /**
   * A connector's backlog from its head, `pages` pages of `pageSize` at most, read lazily (a caller that has what
   * it needs stops the reading), leaving out what `skipKey` names as `page` does.
   */
  *scan(connectorId: string, pageSize: number, pages: number, skipKey?: (key: string) => boolean): Generator<PendingMessage> {
    let after = 0;
    for (let page = 0; page < pages; page++) {
      const rows = this.page(connectorId, after, pageSize, skipKey);
      yield* rows;
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1].seq;
    }
  }

  pendingCount(connectorId: string): number {
    return this.counters.count(connectorId);
  }

  /** When the oldest pending message of a connector was accepted, if any. */
  oldestAcceptedAt(connectorId: string): number | undefined {
    return this.oldest.get(connectorId)?.accepted_at;
  }

  /** A settlement, an expiry or a replay changed a connector's backlog by `delta` messages. */
  adjust(connectorId: string, delta: number): void {
    this.counters.add(connectorId, delta);
  }

  /** The connector was deleted (its chunks went with it). */
  forget(connectorId: string): void {
    this.counters.forget(connectorId);
  }

  /** One chunk, if it still exists (its connector may have been deleted meanwhile). */
  chunk(chunkSeq: number): ChunkRow | undefined {
    return this.oneChunk.get(chunkSeq);
  }

  /** The chunks of a connector accepted before `acceptedBefore`, oldest first, at most `limit`. */
  chunksAcceptedBefore(connectorId: string, acceptedBefore: number, limit: number): ChunkRow[] {
    return this.expiredChunks.all(connectorId, acceptedBefore, limit);
  }

  /** A chunk's messages, decoded once and then served from memory. */
  messagesOf(row: ChunkRow): ChunkMessage[] {
    let messages = this.decoded.get(row.seq);
    if (!messages) {
      messages = decodeMessages(this.chunkMessages.get(row.seq)?.messages ?? '[]');
      this.decoded.keep(row.seq, messages);
    }
    return messages;
  }

  /** Writes chunks' new states, removing those with nothing left pending; run inside the caller's transaction. */
  storeOutcomes(outcomes: ReadonlyMap<number, ChunkOutcome>): void {
    for (const [seq, outcome] of outcomes) {
      if (outcome.pending === 0) this.remove.run(seq);
      else this.updateState.run(outcome.pending, encodeState(outcome.state), seq);
    }
  }

  /** After `storeOutcomes` committed: removed chunks leave the decoded cache. */
  outcomesCommitted(outcomes: ReadonlyMap<number, ChunkOutcome>): void {
    for (const [seq, outcome] of outcomes) if (outcome.pending === 0) this.decoded.forget(seq);
  }
}

/** A request's messages grouped by connector, in chunks of at most CHUNK_MAX_MESSAGES, in request order. */
function chunksOf(messages: readonly NewMessage[]): { connectorId: string; messages: ChunkMessage[] }[] {
  const byConnector = new Map<string, ChunkMessage[]>();
  for (const message of messages) {
    let list = byConnector.get(message.connectorId);
    if (!list) byConnector.set(message.connectorId, (list = []));
    // Exactly what decoding the stored JSON gives back (no undefined), since committed chunks are served from memory.
    list.push([message.partitionKey, message.sourceId ?? null, message.body]);
  }
  const chunks: { connectorId: string; messages: ChunkMessage[] }[] = [];
  for (const [connectorId, list] of byConnector) {
    for (const chunk of splitIntoChunks(list)) chunks.push({ connectorId, messages: chunk });
  }
  return chunks;
}
