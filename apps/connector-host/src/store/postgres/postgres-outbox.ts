import { type Kysely, sql } from 'kysely';
import type { HostConfig } from '../../config/host.config.js';
import type { PostgresDatabase } from './postgres-database.js';
import type { MessageFilter } from '../message-filter.js';
import type { PartitionOwnership } from '../cluster/partition-ownership.js';
import type { Database } from '../schema.js';
import type { StoreSignals } from '../cluster/store-signals.js';
import { BacklogCounters } from '../outbox/backlog-counters.js';
import { ChunkChanges } from '../outbox/chunk-changes.js';
import { DecodedChunks } from '../outbox/decoded-chunks.js';
import { ChunkViews } from '../outbox/chunk-views.js';
import { type ChunkMessage, encodeState } from '../outbox/outbox-chunk.js';
import {
  type AppendedChunk,
  type GroupCommitted,
  type IntakeRecord,
  OutboxStore,
  type PendingMessage,
  type ReplayStep,
  type SettlementItem,
} from '../outbox/outbox-store.js';
import { CHUNK_BYTES, CHUNK_COLUMNS, insertChunks, searchPage, notifyAppended, readHead, readMessages } from './postgres-chunk-io.js';
import { holdLeases, fenceOf, writeFenced } from './postgres-fencing.js';
import { appendReplayStep, requeueDeadLetters } from './postgres-requeue.js';
import { recordKeys } from './postgres-idempotency-keys.js';
import { releaseKeys, verifyClaims } from './postgres-backlog-claims.js';
import { type PendingSearch, type SearchedChunk, searchChunks } from '../outbox/outbox-search.js';
import { addTally } from './postgres-traffic-tally.js';
import { intakeTally } from '../traffic/intake-tally.js';
import { type ChunkRow, chunksOf, expiryChanges, settlementChanges } from '../outbox/settlement.js';

/**
 * The outbox on a PostgreSQL many instances share. Messages are chunked per connector and partition; an instance
 * reads and settles only the partitions it holds (PartitionOwnership), and every write of a settlement names the
 * lease epoch it was selected under, in the statement itself, after a first statement that checked the leases
 * and holds them (FOR KEY SHARE: renewals go on, a claim by another instance waits until this commits). A stale
 * owner (its lease lapsed and was taken) thus changes nothing: its messages stay pending for the new owner.
 */
export class PostgresOutbox extends OutboxStore {
  readonly counters = new BacklogCounters();
  readonly deliverable = new BacklogCounters();
  private readonly decoded = new DecodedChunks();
  private readonly views = new ChunkViews();
  private readonly db: Kysely<Database>;
  private readonly partitions: number;
  private readonly keepsHistory: boolean;

  constructor(
    database: PostgresDatabase,
    private readonly config: HostConfig,
    private readonly ownership: PartitionOwnership,
    private readonly signals: StoreSignals,
  ) {
    super();
    this.db = database.db;
    this.partitions = config.cluster.partitions;
    this.keepsHistory = config.limits.messageHistoryMs > 0;
    // For the store's life, as the signals' link is.
    signals.appended$.subscribe((news) => {
      if (news === 'all') {
        void this.recount().catch(() => undefined);
        return;
      }
      const woken = new Set<string>();
      for (const [connectorId, partition, count, bytes] of news) {
        this.counters.apply(connectorId, count, bytes);
        if (this.ownership.holds(partition)) {
          this.deliverable.apply(connectorId, count, bytes);
          woken.add(connectorId);
        }
      }
      this.arrived(woken);
    });
  }

  async commitGroup(requests: readonly IntakeRecord[], trace?: string): Promise<GroupCommitted> {
    return this.db.transaction().execute(async (trx) => {
      const { taken, earlier } = await recordKeys(trx, requests, this.config.idempotencyRetentionMs);
      const refused = await verifyClaims(trx, requests, earlier);
      await releaseKeys(trx, requests, refused, taken);
      const storing = requests.filter((_, index) => !earlier.has(index) && !refused.has(index));
      const messages = storing.flatMap((request) => request.messages);
      const acceptedAt = storing[0]?.acceptedAt;
      const appended = storing.length > 0 ? await insertChunks(trx, messages, acceptedAt, this.partitions, null, trace) : [];
      await notifyAppended(trx, appended, this.signals);
      // Last: the statistics' rows stay locked only until the commit.
      await addTally(trx, intakeTally(storing), this.ownership.owner);
      return { appended, earlier, refused };
    });
  }

  protected count(chunks: readonly AppendedChunk[]): string[] {
    for (const { seq, connectorId, partition, messages, bytes } of chunks) {
      this.counters.add(connectorId, messages.length, bytes);
      if (this.ownership.holds(partition)) this.deliverable.add(connectorId, messages.length, bytes);
      if (this.keepsCommittedChunks) this.decoded.keepIfRoom(seq, messages);
    }
    return chunks.filter((chunk) => this.ownership.holds(chunk.partition)).map((chunk) => chunk.connectorId);
  }

  async recount(): Promise<void> {
    const { rows } = await sql<{ connector_id: string; partition: number; pending: number; bytes: number }>`
      SELECT connector_id, partition, sum(pending) AS pending, sum(${CHUNK_BYTES}) AS bytes
      FROM outbox_chunks GROUP BY connector_id, partition`.execute(this.db);
    const total = new BacklogCounters();
    const mine = new BacklogCounters();
    for (const row of rows) {
      total.apply(row.connector_id, row.pending, row.bytes);
      if (this.ownership.holds(row.partition)) mine.apply(row.connector_id, row.pending, row.bytes);
    }
    this.counters.replaceAll(total.entries());
    this.deliverable.replaceAll(mine.entries());
    // A loop may have slept on a count that missed others' messages: those with work look again.
    const waiting = mine.entries().filter((entry) => entry.pending > 0);
    this.arrived(waiting.map((entry) => entry.connectorId));
  }

  async head(connectorId: string, pageSize: number, pages: number, skipKey?: (key: string) => boolean): Promise<Iterable<PendingMessage>> {
    const partitions = this.ownership.selectable();
    if (partitions.length === 0) return [];
    return readHead(this.db, this.decoded, this.views, { connectorId, partitions, pageSize, pages, skipKey });
  }

  async oldestAcceptedAt(connectorId: string): Promise<number | undefined> {
    const { rows } = await sql<{ accepted_at: number }>`
      SELECT accepted_at FROM outbox_chunks WHERE connector_id = ${connectorId} ORDER BY seq LIMIT 1`.execute(this.db);
    return rows[0]?.accepted_at;
  }

  /**
   * Applies many rounds' settlements in one transaction. Each reads the chunks as the previous ones left them.
   * Partitions whose lease (with the epoch the round was selected under) this instance no longer holds are left
   * alone: their messages were or will be sent again by the new owner (a duplicate, never a loss).
   */
  async settleAll(items: readonly SettlementItem[]): Promise<number[]> {
    const now = Date.now();
    const { perItem, total } = await this.db.transaction().execute(async (trx) => {
      const fence = fenceOf(items);
      const valid = await holdLeases(trx, this.ownership.owner, fence);
      const seqs = [...new Set(items.flatMap(({ settlement }) => chunksOf(settlement)))];
      const { rows } = await sql<ChunkRow>`
        SELECT ${CHUNK_COLUMNS} FROM outbox_chunks WHERE seq = ANY(${seqs}::bigint[]) ORDER BY seq FOR UPDATE`.execute(trx);
      const working = new Map(rows.filter((row) => valid.has(row.partition)).map((row) => [row.seq, row]));
      const messages = items.some(({ settlement }) => settlement.dead.length > 0)
        ? await readMessages(trx, this.decoded, [...working.values()])
        : new Map<number, ChunkMessage[]>();
      const all = new ChunkChanges(this.keepsHistory);
      const counted: ChunkChanges[] = [];
      for (const { settlement } of items) {
        const changes = settlementChanges(
          settlement,
          (seq) => working.get(seq),
          (row) => messages.get(row.seq)!,
          now,
          new ChunkChanges(this.keepsHistory),
        );
        all.attempts.push(...changes.attempts);
        for (const [seq, outcome] of changes.outcomes) {
          const row = working.get(seq);
          if (!row) continue;
          all.store(row, outcome.pending, outcome.state, outcome.settled, outcome.buried);
          if (outcome.pending === 0) working.delete(seq);
          else working.set(seq, { ...row, pending: outcome.pending, state: encodeState(outcome.state) });
        }
        all.tally.merge(changes.tally);
        counted.push(changes);
      }
      await writeFenced(trx, this.ownership.owner, all, fence);
      await addTally(trx, all.tally, this.ownership.owner);
      return { perItem: counted, total: all };
    });
    this.committedChanges(total);
    // What each round settled of what was written (a chunk left alone by the fence settled nothing).
    return perItem.map((changes) => {
      let settled = 0;
      for (const [seq, outcome] of changes.outcomes) if (total.outcomes.has(seq)) settled += outcome.settled;
      return settled;
    });
  }

  async expire(connectorId: string, acceptedBefore: number, limit = 10_000): Promise<number> {
    const partitions = this.ownership.selectable();
    if (partitions.length === 0) return 0;
    const changes = new ChunkChanges(this.keepsHistory);
    const count = await this.db.transaction().execute(async (trx) => {
      const fence = new Map(partitions.map((partition) => [partition, this.ownership.epochOf(partition) ?? -1]));
      const valid = await holdLeases(trx, this.ownership.owner, fence);
      const { rows } = await sql<ChunkRow>`
        SELECT ${CHUNK_COLUMNS} FROM outbox_chunks
        WHERE connector_id = ${connectorId} AND accepted_at < ${acceptedBefore} AND partition = ANY(${[...valid]}::int[])
        ORDER BY seq LIMIT ${limit} FOR UPDATE`.execute(trx);
      const messages = await readMessages(trx, this.decoded, rows);
      const expired = expiryChanges(rows, (row) => messages.get(row.seq)!, Date.now(), limit, changes);
      await writeFenced(trx, this.ownership.owner, changes, fence);
      await addTally(trx, changes.tally, this.ownership.owner);
      return expired;
    });
    this.committedChanges(changes);
    return count;
  }

  protected async lastDeadLetterId(connectorId: string): Promise<number> {
    const { rows } = await sql<{
      last: number | null;
    }>`SELECT max(id) AS last FROM dead_letters WHERE connector_id = ${connectorId}`.execute(this.db);
    return Number(rows[0]?.last ?? 0);
  }

  /** A short transaction per batch: no lock held across the whole replay of a large dead-letter queue. */
  protected async requeueDeadLetters(
    connectorId: string,
    which: readonly number[] | { afterId: number; upTo: number },
    acceptedAt: number,
  ): Promise<{ appended: AppendedChunk[] }> {
    const appended = await this.db
      .transaction()
      .execute((trx) => requeueDeadLetters(trx, connectorId, which, acceptedAt, this.partitions, this.signals));
    return { appended };
  }

  async replayStep(step: ReplayStep): Promise<boolean> {
    const acceptedAt = Date.now();
    const appended = await this.db.transaction().execute((trx) => appendReplayStep(trx, step, acceptedAt, this.partitions, this.signals));
    if (appended) this.committed(appended);
    return appended !== undefined;
  }

  async find(filter: MessageFilter, limit: number): Promise<PendingSearch> {
    return searchChunks((connectorId, beforeSeq, count) => this.chunksBefore(connectorId, beforeSeq, count), filter, limit);
  }

  chunksBefore(connectorId: string | undefined, beforeSeq: number, count: number): Promise<SearchedChunk[]> {
    return searchPage(this.db, connectorId, beforeSeq, count);
  }

  /** After a settlement or expiry committed: removed chunks leave the cache, settled messages the backlogs. */
  private committedChanges(changes: ChunkChanges): void {
    for (const [seq, outcome] of changes.outcomes) {
      if (outcome.pending === 0) this.decoded.forget(seq);
      if (outcome.pending === 0) this.views.forget(seq);
      if (outcome.settled === 0 && outcome.freedBytes === 0) continue;
      this.counters.add(outcome.connectorId, -outcome.settled, -outcome.freedBytes);
      this.deliverable.add(outcome.connectorId, -outcome.settled, -outcome.freedBytes);
    }
  }
}
