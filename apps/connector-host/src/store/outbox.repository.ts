import { Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { ChunkChanges } from './chunk-changes.js';
import { DatabaseService } from './database.service.js';
import {
  type ChunkMessage,
  type ChunkState,
  chunkOf,
  decodeMessages,
  decodeState,
  encodeMessages,
  encodeState,
  indexIn,
  messageSeq,
  splitIntoChunks,
} from './outbox-chunk.js';
import { type TraceFilter, type TraceRow, TraceRepository } from './trace.repository.js';

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

/** A pending message as the deliveries API shows it, with its last error. */
export interface PendingView extends Omit<PendingMessage, 'body'> {
  last_error_code: string | null;
  last_error_message: string | null;
}

/** A chunk `appendAll` wrote, for `committed` once the caller's transaction has committed. */
export interface AppendedChunk {
  seq: number;
  connectorId: string;
  messages: ChunkMessage[];
}

/** A routed message, ready to be committed. */
export interface NewMessage {
  connectorId: string;
  partitionKey: string;
  sourceId: string | null;
  body: string;
}

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
  /** Trace lines of the delivered messages, recorded once the settlement committed. */
  trace?: TraceRow[];
}

/** A chunk without its messages: what a round reads, since its decoded messages are usually cached. */
interface ChunkRow {
  seq: number;
  connector_id: string;
  accepted_at: number;
  pending: number;
  state: string | null;
}

/** Chunks read per query while paging: a few batches' worth of messages. */
const CHUNKS_PER_READ = 16;
/**
 * Decoded messages kept for the delivery loops, which read the head of their backlog every round: a few
 * rounds' look-ahead for several connectors. Bounded by messages, not chunks (a chunk holds up to 1,000), so a
 * big backlog never sits decoded in memory; a miss only costs decoding again.
 */
const DECODED_CACHE_MESSAGES = 20_000;

/**
 * The outbox: every accepted, not yet settled message, stored in chunks (see outbox-chunk.ts). The hot path,
 * so statements are prepared once and run synchronously inside better-sqlite3 transactions, which nothing else
 * in the process can interleave. It is the only writer of the table, so it keeps each connector's backlog
 * size in memory, exact.
 */
@Injectable()
export class OutboxRepository {
  private readonly pending = new Map<string, number>();
  /** Chunk messages never change once written, so decoding them once serves every later round. */
  private readonly decoded = new Map<number, ChunkMessage[]>();
  private decodedCount = 0;
  private readonly insert: Statement<[string, number, number, string]>;
  private readonly chunksFrom: Statement<[string, number, number], ChunkRow>;
  private readonly chunk: Statement<[number], ChunkRow>;
  private readonly chunkMessages: Statement<[number], { messages: string }>;
  private readonly expiredChunks: Statement<[string, number, number], ChunkRow>;
  private readonly oldest: Statement<[string], { accepted_at: number }>;
  private readonly writeChanges: (changes: ChunkChanges) => void;

  constructor(
    private readonly database: DatabaseService,
    private readonly trace: TraceRepository,
  ) {
    const { sqlite } = database;
    this.insert = sqlite.prepare(INSERT_CHUNK);
    const columns = 'seq, connector_id, accepted_at, pending, state';
    this.chunksFrom = sqlite.prepare(`SELECT ${columns} FROM outbox_chunks WHERE connector_id = ? AND seq >= ? ORDER BY seq LIMIT ?`);
    this.chunk = sqlite.prepare(`SELECT ${columns} FROM outbox_chunks WHERE seq = ?`);
    this.chunkMessages = sqlite.prepare('SELECT messages FROM outbox_chunks WHERE seq = ?');
    this.expiredChunks = sqlite.prepare(`SELECT ${columns} FROM outbox_chunks WHERE connector_id = ? AND accepted_at < ? ORDER BY seq LIMIT ?`);
    this.oldest = sqlite.prepare('SELECT accepted_at FROM outbox_chunks WHERE connector_id = ? ORDER BY seq LIMIT 1');
    const bury = sqlite.prepare(
      `INSERT INTO dead_letters (connector_id, partition_key, source_id, body, accepted_at, attempts, failed_at, error_code, error_message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const update = sqlite.prepare('UPDATE outbox_chunks SET pending = ?, state = ? WHERE seq = ?');
    const remove = sqlite.prepare('DELETE FROM outbox_chunks WHERE seq = ?');
    this.writeChanges = sqlite.transaction((changes: ChunkChanges) => {
      for (const row of changes.buried) bury.run(...row);
      for (const [seq, outcome] of changes.outcomes) {
        if (outcome.pending === 0) remove.run(seq);
        else update.run(outcome.pending, encodeState(outcome.state), seq);
      }
    });
    for (const row of sqlite.prepare('SELECT connector_id, sum(pending) AS n FROM outbox_chunks GROUP BY connector_id').all() as { connector_id: string; n: number }[]) {
      if (row.n > 0) this.pending.set(row.connector_id, row.n);
    }
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
   * Only once committed (a rolled-back insert's seq is handed out again) and only into free room, so fresh
   * chunks never push out the head of a backlog a loop is working through.
   */
  committed(chunks: readonly AppendedChunk[]): void {
    for (const { seq, connectorId, messages } of chunks) {
      this.adjust(connectorId, messages.length);
      if (this.decodedCount + messages.length <= DECODED_CACHE_MESSAGES) this.rememberDecoded(seq, messages);
    }
  }

  /**
   * Applies a settlement and updates the backlog size. A settlement only removes acknowledged messages (or
   * moves them to dead letters): if a power cut loses it, those messages are sent again (a duplicate, never a
   * loss). So it commits without its own fsync; the next accepting commit (synchronous=FULL) makes it durable
   * with everything before it in the WAL.
   */
  settleFor(connectorId: string, settlement: Settlement): void {
    const changes = new ChunkChanges();
    this.applySettlement(settlement, Date.now(), changes);
    this.write(changes, false);
    if (settlement.trace) this.trace.write(settlement.trace);
    this.adjust(connectorId, -(settlement.delivered.length + settlement.dead.length));
  }

  /** Pending messages of a connector after `afterSeq`, in delivery order, due or not. */
  page(connectorId: string, afterSeq: number, limit: number): PendingMessage[] {
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

  /** The newest pending messages matching every given filter, newest first (a scan: an operator's query). */
  find(filter: TraceFilter, limit: number): PendingView[] {
    const conditions: string[] = [];
    const parameters: string[] = [];
    if (filter.connectorId !== undefined) conditions.push('c.connector_id = ?'), parameters.push(filter.connectorId);
    if (filter.profileId !== undefined) conditions.push("m.value ->> '$[0]' = ?"), parameters.push(filter.profileId);
    if (filter.sourceId !== undefined) conditions.push("m.value ->> '$[1]' = ?"), parameters.push(filter.sourceId);
    const rows = this.database.sqlite
      .prepare(
        `SELECT c.seq AS chunk, c.connector_id, c.accepted_at, c.state, m.key AS idx, m.value ->> '$[0]' AS partition_key, m.value ->> '$[1]' AS source_id
         FROM outbox_chunks c, json_each(c.messages) m ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
         ORDER BY c.seq DESC, m.key DESC`,
      )
      .iterate(...parameters) as IterableIterator<{ chunk: number; connector_id: string; accepted_at: number; state: string | null; idx: number; partition_key: string; source_id: string | null }>;
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

  /**
   * Dead-letters the pending messages of chunks accepted before `acceptedBefore`, whole chunks until at least
   * `limit` messages (bounds one transaction); returns how many.
   */
  expire(connectorId: string, acceptedBefore: number, limit = 10_000): number {
    const changes = new ChunkChanges();
    const count = this.buryExpired(connectorId, acceptedBefore, limit, Date.now(), changes);
    if (changes.isEmpty()) return 0;
    this.write(changes, true);
    this.adjust(connectorId, -count);
    return count;
  }

  pendingCount(connectorId: string): number {
    return this.pending.get(connectorId) ?? 0;
  }

  /** When the oldest pending message of a connector was accepted, if any. */
  oldestAcceptedAt(connectorId: string): number | undefined {
    return this.oldest.get(connectorId)?.accepted_at;
  }

  /** A replay put messages back, or a deletion took them away. */
  adjust(connectorId: string, delta: number): void {
    const next = (this.pending.get(connectorId) ?? 0) + delta;
    if (next > 0) this.pending.set(connectorId, next);
    else this.pending.delete(connectorId);
  }

  forget(connectorId: string): void {
    this.pending.delete(connectorId);
  }

  /** Writes a settlement's or an expiry's changes in one transaction; `durable`: with its own fsync. */
  private write(changes: ChunkChanges, durable: boolean): void {
    const { sqlite } = this.database;
    if (!durable) sqlite.pragma('synchronous = NORMAL');
    try {
      this.writeChanges(changes);
    } finally {
      if (!durable) sqlite.pragma('synchronous = FULL');
    }
    for (const [seq, outcome] of changes.outcomes) if (outcome.pending === 0) this.forgetDecoded(seq);
  }

  private forgetDecoded(seq: number): void {
    const messages = this.decoded.get(seq);
    if (!messages) return;
    this.decoded.delete(seq);
    this.decodedCount -= messages.length;
  }

  private messagesOf(row: ChunkRow): ChunkMessage[] {
    let messages = this.decoded.get(row.seq);
    if (!messages) {
      messages = decodeMessages(this.chunkMessages.get(row.seq)?.messages ?? '[]');
      // Oldest first out: the head of a backlog is read again next round, what lies behind it later.
      for (const oldest of this.decoded.keys()) {
        if (this.decodedCount + messages.length <= DECODED_CACHE_MESSAGES) break;
        this.forgetDecoded(oldest);
      }
      this.rememberDecoded(row.seq, messages);
    }
    return messages;
  }

  private rememberDecoded(seq: number, messages: ChunkMessage[]): void {
    this.decoded.set(seq, messages);
    this.decodedCount += messages.length;
  }

  private applySettlement(settlement: Settlement, now: number, changes: ChunkChanges): void {
    const byChunk = new Map<number, { delivered: number[]; retry: RetryUpdate[]; dead: DeadLetterUpdate[] }>();
    const of = (seq: number) => {
      let entry = byChunk.get(chunkOf(seq));
      if (!entry) byChunk.set(chunkOf(seq), (entry = { delivered: [], retry: [], dead: [] }));
      return entry;
    };
    for (const seq of settlement.delivered) of(seq).delivered.push(seq);
    for (const retry of settlement.retry) of(retry.seq).retry.push(retry);
    for (const dead of settlement.dead) of(dead.seq).dead.push(dead);

    for (const [chunkSeq, update] of byChunk) {
      const row = this.chunk.get(chunkSeq);
      if (!row) continue; // its connector was deleted meanwhile
      const state = decodeState(row.state);
      let settled = 0;
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
        const [partitionKey, sourceId, body] = this.messagesOf(row)[index];
        const attempts = (state.retry.get(index)?.[0] ?? 0) + 1;
        changes.bury([row.connector_id, partitionKey, sourceId, body, row.accepted_at, attempts, now, dead.code, dead.message]);
        settle(index);
      }
      for (const retry of update.retry) {
        const index = indexIn(retry.seq);
        if (state.done.has(index)) continue;
        state.retry.set(index, [(state.retry.get(index)?.[0] ?? 0) + 1, retry.nextAttemptAt, retry.code, retry.message]);
      }
      changes.store(row.seq, row.pending - settled, state);
    }
  }

  private buryExpired(connectorId: string, acceptedBefore: number, limit: number, now: number, changes: ChunkChanges): number {
    let count = 0;
    // Each chunk holds at least one message: `limit` chunks are always enough.
    for (const row of this.expiredChunks.all(connectorId, acceptedBefore, limit)) {
      if (count >= limit) break;
      const state = decodeState(row.state);
      this.messagesOf(row).forEach(([partitionKey, sourceId, body], index) => {
        if (state.done.has(index)) return;
        const retry = state.retry.get(index);
        const lastError = retry ? `${retry[2]}: ${retry[3]}` : 'none';
        changes.bury([connectorId, partitionKey, sourceId, body, row.accepted_at, retry?.[0] ?? 0, now, 'MaxAgeExceeded', `undelivered past the maximum age; last error ${lastError}`]);
        count++;
      });
      changes.store(row.seq, 0, state);
    }
    return count;
  }
}

const INSERT_CHUNK = 'INSERT INTO outbox_chunks (connector_id, accepted_at, pending, messages) VALUES (?, ?, ?, ?)';

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
