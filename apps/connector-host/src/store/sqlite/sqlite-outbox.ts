import type { DeadLettersRepository } from '../repositories/dead-letters.repository.js';
import { requeuedMessage } from '../outbox/requeued-dead-letter.js';
import { intakeTally } from '../traffic/intake-tally.js';
import type { MessageFilter } from '../message-filter.js';
import { refusedClaims } from '../outbox/backlog-claim.js';
import { BacklogCounters } from '../outbox/backlog-counters.js';
import { ChunkChanges } from '../outbox/chunk-changes.js';
import { SqliteHeadReader } from './sqlite-head-reader.js';
import { CHUNK_MAX_MESSAGES, encodeDead, encodeMessages, encodeState } from '../outbox/outbox-chunk.js';
import { encodeAttempts as encoded, encodeFinalAttempts } from '../history/chunk-attempts.js';
import { chunksByConnector } from '../outbox/outbox-grouping.js';
import { SqliteChunkStatements } from './sqlite-chunk-statements.js';
import {
  type AppendedChunk,
  type GroupCommitted,
  type IntakeRecord,
  type NewMessage,
  OutboxStore,
  type PendingMessage,
  type ReplayStep,
  type SettlementItem,
} from '../outbox/outbox-store.js';
import { type PendingSearch, type SearchedChunk, searchChunks } from '../outbox/outbox-search.js';
import { expiryChanges, settlementChanges } from '../outbox/settlement.js';
import { SqliteChunkReader } from './sqlite-chunk-reader.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteDeadLetterRows } from './sqlite-dead-letter-rows.js';
import type { SqliteIdempotencyKeys } from './sqlite-idempotency-keys.js';
import { SqliteTrafficTally } from './sqlite-traffic-tally.js';

/**
 * The outbox in the embedded SQLite file. The hot path, so statements are prepared once and run synchronously
 * inside better-sqlite3 transactions, which nothing else on this event loop can interleave (the other thread
 * of this process waits on the write lock). One partition: this file serves one instance.
 */
export class SqliteOutbox extends OutboxStore {
  readonly counters: BacklogCounters;
  readonly deliverable: BacklogCounters;
  private readonly reader: SqliteHeadReader;
  private readonly sql: SqliteChunkStatements;
  private readonly chunks: SqliteChunkReader;
  private readonly deadLetterRows: SqliteDeadLetterRows;
  private readonly traffic: SqliteTrafficTally;
  private readonly commitRequests: (requests: readonly IntakeRecord[], trace?: string) => Omit<GroupCommitted, 'earlier'>;

  constructor(
    private readonly database: SqliteDatabase,
    private readonly deadLetters: DeadLettersRepository,
    idempotency: SqliteIdempotencyKeys,
    private readonly keepsHistory = false,
  ) {
    super();
    this.deadLetterRows = new SqliteDeadLetterRows(database);
    this.traffic = new SqliteTrafficTally(database);
    const traffic = this.traffic;
    const { sqlite } = database;
    this.sql = new SqliteChunkStatements(sqlite);
    this.chunks = new SqliteChunkReader(this.sql);
    this.counters = new BacklogCounters(this.sql.countStored.all());
    this.reader = new SqliteHeadReader(this.sql, this.chunks, this.counters);
    this.deliverable = this.counters;
    const commit = sqlite.transaction((requests: readonly IntakeRecord[], trace?: string) => {
      // One process writes this file: its counts are the store's (with what delivery's thread told it).
      const refused = refusedClaims(requests, (id) => ({ messages: this.counters.count(id), bytes: this.counters.bytes(id) }));
      const storing = requests.filter((_, index) => !refused.has(index));
      if (storing.length === 0) return { appended: [], refused };
      // One chunk per connector for the whole group, not per request (every chunk is a row and an index entry to
      // write, read and delete), in queue order, accepted at the group's first request.
      const appended = this.appendAll(
        storing.flatMap((request) => request.messages),
        storing[0].acceptedAt,
        null,
        trace,
      );
      for (const request of storing) {
        const key = request.idempotency;
        if (key !== undefined) idempotency.record(key.key, key.hash, 202, key.answer, request.acceptedAt);
      }
      traffic.addAll(intakeTally(storing));
      return { appended, refused };
    });
    this.commitRequests = (requests, trace) => commit.immediate(requests, trace);
  }

  override whenWritable<T>(work: () => T): Promise<T> {
    return this.database.writeLock.whenFree(work);
  }

  async commitGroup(requests: readonly IntakeRecord[], trace?: string): Promise<GroupCommitted> {
    // One process takes each key once (intake's queue answers repeats), so no key is "earlier" here.
    return { ...this.commitRequests(requests, trace), earlier: new Map() };
  }

  protected count(chunks: readonly AppendedChunk[]): string[] {
    for (const { seq, connectorId, messages, bytes } of chunks) {
      this.counters.add(connectorId, messages.length, bytes);
      if (this.keepsCommittedChunks) this.chunks.decoded.keepIfRoom(seq, messages);
    }
    return chunks.map((chunk) => chunk.connectorId);
  }

  async recount(): Promise<void> {
    this.counters.replaceAll(this.sql.countStored.all());
  }

  // Lazy: the caller's selection usually stops within the first page.
  async head(connectorId: string, pageSize: number, pages: number, skipKey?: (key: string) => boolean): Promise<Iterable<PendingMessage>> {
    return this.reader.scan(connectorId, pageSize, pages, skipKey);
  }

  /** Pending messages of a connector after `afterSeq`, in delivery order, due or not, without those `skipKey` names. */
  page(connectorId: string, afterSeq: number, limit: number, skipKey?: (key: string) => boolean): PendingMessage[] {
    return this.reader.page(connectorId, afterSeq, limit, skipKey);
  }

  override changedElsewhere(connectorId: string): void {
    this.reader.heads.forget(connectorId);
  }

  override forget(connectorId: string): void {
    super.forget(connectorId);
    this.changedElsewhere(connectorId);
  }

  async oldestAcceptedAt(connectorId: string): Promise<number | undefined> {
    return this.sql.oldest.get(connectorId)?.accepted_at;
  }

  /**
   * Applies the settlements of many rounds in one transaction: one commit instead of one per call, which is most
   * of a small call's store cost. Each reads the chunks as the previous ones left them, so two rounds settling
   * messages of the same chunk compose. A settlement only removes acknowledged messages (or moves them to dead
   * letters): if a power cut loses it, those messages are sent again (a duplicate, never a loss). So it commits
   * without its own fsync; the next accepting commit (synchronous=FULL) makes it durable with everything before it.
   */
  async settleAll(items: readonly SettlementItem[]): Promise<number[]> {
    const now = Date.now();
    const applied: ChunkChanges[] = [];
    this.database.withoutFsync(() =>
      this.database.transaction(() => {
        for (const { connectorId, settlement } of items) {
          const changes = settlementChanges(
            settlement,
            // A chunk gone under a settlement (its connector deleted): what is held of that connector is stale.
            (seq) => this.sql.oneChunk.get(seq) ?? void this.reader.heads.forget(connectorId),
            (row) => this.chunks.messagesOf(row),
            now,
            new ChunkChanges(this.keepsHistory),
          );
          this.store(changes);
          applied.push(changes);
        }
      }),
    );
    return applied.map((changes) => this.committedChanges(changes));
  }

  async expire(connectorId: string, acceptedBefore: number, limit = 10_000): Promise<number> {
    const changes = new ChunkChanges(this.keepsHistory);
    // Each chunk holds at least one message: `limit` chunks are always enough.
    const rows = this.sql.expiredChunks.all(connectorId, acceptedBefore, limit);
    const count = expiryChanges(rows, (row) => this.chunks.messagesOf(row), Date.now(), limit, changes);
    if (changes.isEmpty()) return 0;
    this.database.transaction(() => this.store(changes));
    this.committedChanges(changes);
    return count;
  }

  protected lastDeadLetterId(connectorId: string): Promise<number> {
    return this.deadLetters.lastIdOf(connectorId);
  }

  /** Taken when delivery's thread is not writing. */
  protected async requeueDeadLetters(
    connectorId: string,
    which: readonly number[] | { afterId: number; upTo: number },
    acceptedAt: number,
  ): Promise<{ appended: AppendedChunk[]; lastId?: number }> {
    return this.database.transactionWhenFree(() => {
      const rows = this.deadLetterRows.take(connectorId, 'upTo' in which ? { ...which, limit: CHUNK_MAX_MESSAGES } : { ids: which });
      const messages = rows.map((row) => requeuedMessage(connectorId, row));
      return { appended: messages.length === 0 ? [] : this.appendAll(messages, acceptedAt), lastId: rows.at(-1)?.id };
    });
  }

  async replayStep(step: ReplayStep): Promise<boolean> {
    const acceptedAt = Date.now();
    const appended = await this.database.transactionWhenFree(() => {
      const { id, owner, nextSeq, messages, done } = step;
      const moved = this.sql.replayStep.run(nextSeq, messages.length, done ? 1 : 0, done ? acceptedAt : null, id, owner).changes > 0;
      return moved ? this.appendAll(messages, acceptedAt, id) : undefined;
    });
    if (appended) this.committed(appended);
    return appended !== undefined;
  }

  async find(filter: MessageFilter, limit: number): Promise<PendingSearch> {
    return searchChunks((connectorId, beforeSeq, count) => this.chunksBefore(connectorId, beforeSeq, count), filter, limit);
  }

  // On a connection of its own: WAL lets it read between the writes of intake and delivery, never holding them up.
  async chunksBefore(connectorId: string | undefined, beforeSeq: number, count: number): Promise<SearchedChunk[]> {
    return this.sql.searchPage(this.database.reader, connectorId, beforeSeq, count);
  }

  /** Appends messages, one chunk per connector (more for a big group); inside the caller's transaction. */
  private appendAll(messages: readonly NewMessage[], acceptedAt: number, replayId: string | null = null, trace?: string): AppendedChunk[] {
    const appended: AppendedChunk[] = [];
    for (const { connectorId, partition, messages: chunk } of chunksByConnector(messages, 1)) {
      const encoded = encodeMessages(chunk);
      const bytes = Buffer.byteLength(encoded);
      const seq = Number(this.sql.insert.run(connectorId, acceptedAt, chunk.length, bytes, replayId, trace ?? null).lastInsertRowid);
      this.sql.insertMessages.run(seq, encoded);
      appended.push({ seq, connectorId, partition, messages: chunk, bytes });
    }
    return appended;
  }

  /**
   * Writes chunks' new states, dead letters and attempts, removing chunks with nothing left pending (into the
   * message history, when it is kept); inside a transaction.
   */
  private store(changes: ChunkChanges): void {
    const settledAt = Date.now();
    const { rows, final } = changes.attemptsByPlace();
    for (const [seq, outcome] of changes.outcomes) {
      this.deadLetterRows.insertAll(outcome.buried);
      if (outcome.pending > 0) {
        this.sql.updateState.run(outcome.pending, encodeState(outcome.state), seq);
        continue;
      }
      const attempts = changes.keepsHistory ? encodeFinalAttempts(final.get(seq) ?? []) : undefined;
      if (attempts !== undefined) this.sql.toHistory.run(settledAt, outcome.state.done.size, encodeDead(outcome.state), attempts, seq);
      this.sql.remove.run(seq);
    }
    for (const row of rows) this.sql.insertAttempts.run(row.connectorId, row.chunkSeq, row.at, row.latencyMs, encoded(row));
    this.traffic.addAll(changes.tally);
  }

  /** After `store` committed: removed chunks leave the cache, settled messages the backlog; returns how many. */
  private committedChanges(changes: ChunkChanges): number {
    for (const [seq, outcome] of changes.outcomes) {
      if (outcome.pending === 0) this.chunks.removed(seq);
      this.reader.heads.changed(outcome.connectorId, seq, outcome.pending, outcome.pending === 0 ? null : encodeState(outcome.state));
      // By what was actually settled: a message settled twice (or of a deleted connector) is not counted again.
      if (outcome.settled > 0 || outcome.freedBytes > 0) this.counters.add(outcome.connectorId, -outcome.settled, -outcome.freedBytes);
    }
    return changes.settled;
  }
}
