import { type Kysely, sql, type Transaction } from 'kysely';
import type { Subscription } from 'rxjs';
import type { HostConfig } from '../../config/host.config.js';
import type { DatabaseService } from '../database.service.js';
import type { NewDeadLetter } from '../dead-letters.repository.js';
import type { StoredAnswer } from '../idempotency.repository.js';
import type { MessageFilter } from '../message-filter.js';
import type { PartitionOwnership } from '../partition-ownership.js';
import type { Database } from '../schema.js';
import type { StoreSignals } from '../store-signals.js';
import { BacklogCounters } from './backlog-counters.js';
import { ChunkChanges } from './chunk-changes.js';
import { DecodedChunks } from './decoded-chunks.js';
import { CHUNK_MAX_MESSAGES, type ChunkMessage, decodeMessages, encodeMessages, encodeState } from './outbox-chunk.js';
import { chunksByConnector } from './outbox-grouping.js';
import {
  type AppendedChunk,
  type GroupCommitted,
  type IntakeRecord,
  type NewMessage,
  OutboxStore,
  type PendingMessage,
  type PendingView,
  type SettlementItem,
} from './outbox-store.js';
import { pendingViews, type SearchRow } from './pending-views.js';
import { type ChunkRow, chunksOf, expiryChanges, pendingOf, settlementChanges } from './settlement.js';

/** Chunks read per query while reading a backlog's head. */
const CHUNKS_PER_READ = 64;
const CHUNK_COLUMNS = sql`seq, connector_id, partition, accepted_at, pending, state`;

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
  private readonly db: Kysely<Database>;
  private readonly partitions: number;
  private readonly subscription: Subscription;

  constructor(
    database: DatabaseService,
    private readonly config: HostConfig,
    private readonly ownership: PartitionOwnership,
    private readonly signals: StoreSignals,
  ) {
    super();
    this.db = database.db;
    this.partitions = config.cluster.partitions;
    this.subscription = signals.appended$.subscribe((news) => {
      if (news === 'all') {
        void this.recount().catch(() => undefined);
        return;
      }
      const woken = new Set<string>();
      for (const [connectorId, partition, count] of news) {
        this.counters.apply(connectorId, count);
        if (this.ownership.holds(partition)) {
          this.deliverable.apply(connectorId, count);
          woken.add(connectorId);
        }
      }
      if (woken.size > 0) this.arrived$.next([...woken]);
    });
  }

  close(): void {
    this.subscription.unsubscribe();
  }

  async commitGroup(requests: readonly IntakeRecord[]): Promise<GroupCommitted> {
    return this.db.transaction().execute(async (trx) => {
      const earlier = await this.recordKeys(trx, requests);
      const messages = requests.flatMap((request, index) => (earlier.has(index) ? [] : request.messages));
      const fresh = requests.find((_, index) => !earlier.has(index));
      const appended = fresh ? await this.appendAll(trx, messages, fresh.acceptedAt) : [];
      await this.notifyAppended(trx, appended);
      return { appended, earlier };
    });
  }

  committed(chunks: readonly AppendedChunk[]): void {
    for (const { seq, connectorId, partition, messages } of chunks) {
      this.counters.add(connectorId, messages.length);
      if (this.ownership.holds(partition)) this.deliverable.add(connectorId, messages.length);
      if (this.keepsCommittedChunks) this.decoded.keepIfRoom(seq, messages);
    }
  }

  async recount(): Promise<void> {
    const { rows } = await sql<{ connector_id: string; partition: number; pending: number }>`
      SELECT connector_id, partition, sum(pending) AS pending FROM outbox_chunks GROUP BY connector_id, partition`.execute(this.db);
    const total = new Map<string, number>();
    const mine = new Map<string, number>();
    for (const row of rows) {
      total.set(row.connector_id, (total.get(row.connector_id) ?? 0) + row.pending);
      if (this.ownership.holds(row.partition)) mine.set(row.connector_id, (mine.get(row.connector_id) ?? 0) + row.pending);
    }
    this.counters.replaceAll([...total].map(([connectorId, pending]) => ({ connectorId, pending })));
    this.deliverable.replaceAll([...mine].map(([connectorId, pending]) => ({ connectorId, pending })));
    // A loop may have slept on a count that missed others' messages: those with work look again.
    if (mine.size > 0) this.arrived$.next([...mine.keys()]);
  }

  /**
   * Read in one snapshot (REPEATABLE READ), not page by page at READ COMMITTED: a page read later could show a
   * chunk committed since with a lower seq than the previous page's last (seqs are drawn before commit), and
   * skip it while showing a later message of the same profile. In one snapshot, a profile's later message (posted
   * after its earlier one was committed) is never visible without the earlier one.
   */
  async head(connectorId: string, pageSize: number, pages: number, skipKey?: (key: string) => boolean): Promise<Iterable<PendingMessage>> {
    const partitions = this.ownership.selectable();
    if (partitions.length === 0) return [];
    const wanted = pageSize * pages;
    const now = Date.now();
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        const found: PendingMessage[] = [];
        // As SQLite's lazy read stops once the batch is chosen: enough profiles due now to fill a batch is enough.
        const due = new Set<string>();
        const seen = new Set<string>();
        for (let afterSeq = 0; ;) {
          const { rows } = await sql<ChunkRow>`
            SELECT ${CHUNK_COLUMNS} FROM outbox_chunks
            WHERE connector_id = ${connectorId} AND seq > ${afterSeq} AND partition = ANY(${partitions}::int[])
            ORDER BY seq LIMIT ${CHUNKS_PER_READ}`.execute(trx);
          if (rows.length === 0) return found;
          const messages = await this.decode(trx, rows);
          for (const row of rows) {
            const from = found.length;
            const full = pendingOf(row, messages.get(row.seq)!, 0, found, wanted, skipKey);
            for (let index = from; index < found.length; index++) {
              const { partition_key: key, next_attempt_at: dueAt } = found[index];
              if (seen.has(key)) continue;
              seen.add(key);
              if (dueAt <= now) due.add(key);
            }
            if (full || due.size >= pageSize) return found;
          }
          if (rows.length < CHUNKS_PER_READ) return found;
          afterSeq = rows[rows.length - 1].seq;
        }
      });
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
      const valid = await this.holdLeases(trx, fence);
      const seqs = [...new Set(items.flatMap(({ settlement }) => chunksOf(settlement)))];
      const { rows } = await sql<ChunkRow>`
        SELECT ${CHUNK_COLUMNS} FROM outbox_chunks WHERE seq = ANY(${seqs}::bigint[]) ORDER BY seq FOR UPDATE`.execute(trx);
      const working = new Map(rows.filter((row) => valid.has(row.partition)).map((row) => [row.seq, row]));
      const messages = items.some(({ settlement }) => settlement.dead.length > 0)
        ? await this.decode(trx, [...working.values()])
        : new Map<number, ChunkMessage[]>();
      const all = new ChunkChanges();
      const counted: ChunkChanges[] = [];
      for (const { settlement } of items) {
        const changes = settlementChanges(
          settlement,
          (seq) => working.get(seq),
          (row) => messages.get(row.seq)!,
          now,
        );
        for (const [seq, outcome] of changes.outcomes) {
          const row = working.get(seq);
          if (!row) continue;
          all.store(row, outcome.pending, outcome.state, outcome.settled, outcome.buried);
          if (outcome.pending === 0) working.delete(seq);
          else working.set(seq, { ...row, pending: outcome.pending, state: encodeState(outcome.state) });
        }
        counted.push(changes);
      }
      await this.writeFenced(trx, all, fence);
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
    const changes = new ChunkChanges();
    const count = await this.db.transaction().execute(async (trx) => {
      const fence = new Map(partitions.map((partition) => [partition, this.ownership.epochOf(partition) ?? -1]));
      const valid = await this.holdLeases(trx, fence);
      const { rows } = await sql<ChunkRow>`
        SELECT ${CHUNK_COLUMNS} FROM outbox_chunks
        WHERE connector_id = ${connectorId} AND accepted_at < ${acceptedBefore} AND partition = ANY(${[...valid]}::int[])
        ORDER BY seq LIMIT ${limit} FOR UPDATE`.execute(trx);
      const messages = await this.decode(trx, rows);
      const expired = expiryChanges(rows, (row) => messages.get(row.seq)!, Date.now(), limit, changes);
      await this.writeFenced(trx, changes, fence);
      return expired;
    });
    this.committedChanges(changes);
    return count;
  }

  async replay(connectorId: string, ids?: readonly number[]): Promise<number> {
    const acceptedAt = Date.now();
    const appended = await this.db.transaction().execute(async (trx) => {
      const chunks: AppendedChunk[] = [];
      const requeue = async (rows: readonly { partition_key: string; source_id: string | null; body: string }[]) =>
        chunks.push(
          ...(await this.appendAll(
            trx,
            rows.map((row) => ({ connectorId, partitionKey: row.partition_key, sourceId: row.source_id, body: row.body })),
            acceptedAt,
          )),
        );
      type Taken = { id: number; partition_key: string; source_id: string | null; body: string };
      if (ids === undefined) {
        for (;;) {
          const { rows } = await sql<Taken>`
            DELETE FROM dead_letters WHERE id IN (
              SELECT id FROM dead_letters WHERE connector_id = ${connectorId} ORDER BY id LIMIT ${CHUNK_MAX_MESSAGES} FOR UPDATE)
            RETURNING id, partition_key, source_id, body`.execute(trx);
          if (rows.length === 0) break;
          await requeue(rows.sort((a, b) => a.id - b.id));
        }
      } else {
        const { rows } = await sql<Taken>`
          DELETE FROM dead_letters WHERE connector_id = ${connectorId} AND id = ANY(${[...new Set(ids)]}::bigint[])
          RETURNING id, partition_key, source_id, body`.execute(trx);
        rows.sort((a, b) => a.id - b.id);
        for (let start = 0; start < rows.length; start += CHUNK_MAX_MESSAGES) await requeue(rows.slice(start, start + CHUNK_MAX_MESSAGES));
      }
      await this.notifyAppended(trx, chunks);
      return chunks;
    });
    this.committed(appended);
    return appended.reduce((sum, chunk) => sum + chunk.messages.length, 0);
  }

  async find(filter: MessageFilter, limit: number): Promise<PendingView[]> {
    const conditions = [sql`NOT coalesce((c.state::jsonb -> 'done') @> to_jsonb(m.ord - 1), false)`];
    if (filter.connectorId !== undefined) conditions.push(sql`c.connector_id = ${filter.connectorId}`);
    if (filter.profileId !== undefined) conditions.push(sql`m.value ->> 0 = ${filter.profileId}`);
    if (filter.sourceId !== undefined) conditions.push(sql`m.value ->> 1 = ${filter.sourceId}`);
    const { rows } = await sql<SearchRow>`
      SELECT c.seq AS chunk, c.connector_id, c.accepted_at, c.state, (m.ord - 1)::int AS idx,
             m.value ->> 0 AS partition_key, m.value ->> 1 AS source_id
      FROM outbox_chunks c CROSS JOIN LATERAL jsonb_array_elements(c.messages::jsonb) WITH ORDINALITY AS m(value, ord)
      WHERE ${sql.join(conditions, sql` AND `)}
      ORDER BY c.seq DESC, m.ord DESC LIMIT ${limit}`.execute(this.db);
    return pendingViews(rows, limit);
  }

  /**
   * Records the requests' Idempotency-Keys first; a key another instance committed meanwhile (within the
   * retention) is not taken again: its request is answered with that first answer and stores nothing.
   */
  private async recordKeys(trx: Transaction<Database>, requests: readonly IntakeRecord[]): Promise<Map<number, StoredAnswer>> {
    const keyed = requests.flatMap((request, index) => (request.idempotency ? [{ index, request, key: request.idempotency }] : []));
    const earlier = new Map<number, StoredAnswer>();
    if (keyed.length === 0) return earlier;
    const { rows: taken } = await sql<{ key: string }>`
      INSERT INTO idempotency_keys (key, request_hash, status, response, created_at)
      SELECT * FROM unnest(${keyed.map((k) => k.key.key)}::text[], ${keyed.map((k) => k.key.hash)}::text[],
                           ${keyed.map(() => 202)}::int[], ${keyed.map((k) => JSON.stringify(k.key.answer))}::text[],
                           ${keyed.map((k) => k.request.acceptedAt)}::bigint[])
      ON CONFLICT (key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status = EXCLUDED.status,
        response = EXCLUDED.response, created_at = EXCLUDED.created_at
        WHERE idempotency_keys.created_at < ${this.keyCutoff(keyed[0].request.acceptedAt)}
      RETURNING key`.execute(trx);
    const mine = new Set(taken.map((row) => row.key));
    const others = keyed.filter((k) => !mine.has(k.key.key));
    if (others.length === 0) return earlier;
    const { rows } = await sql<StoredAnswer & { key: string }>`
      SELECT key, request_hash, status, response, created_at FROM idempotency_keys WHERE key = ANY(${others.map((k) => k.key.key)}::text[])`.execute(
      trx,
    );
    const byKey = new Map(rows.map((row) => [row.key, row]));
    for (const other of others) {
      const answer = byKey.get(other.key.key);
      if (answer) earlier.set(other.index, answer);
    }
    return earlier;
  }

  /** Keys older than the retention are new requests. */
  private keyCutoff(now: number): number {
    return now - this.config.idempotencyRetentionMs;
  }

  private async appendAll(trx: Transaction<Database>, messages: readonly NewMessage[], acceptedAt: number): Promise<AppendedChunk[]> {
    const chunks = chunksByConnector(messages, this.partitions);
    if (chunks.length === 0) return [];
    // Identity values are drawn in the order rows are inserted, which WITH ORDINALITY ... ORDER BY fixes: sorted,
    // the returned seqs match the chunks in order.
    const { rows } = await sql<{ seq: number }>`
      INSERT INTO outbox_chunks (connector_id, partition, accepted_at, pending, messages)
      SELECT c, p, ${acceptedAt}::bigint, n, m
      FROM unnest(${chunks.map((c) => c.connectorId)}::text[], ${chunks.map((c) => c.partition)}::int[],
                  ${chunks.map((c) => c.messages.length)}::int[], ${chunks.map((c) => encodeMessages(c.messages))}::text[])
           WITH ORDINALITY AS t(c, p, n, m, o)
      ORDER BY o
      RETURNING seq`.execute(trx);
    const seqs = rows.map((row) => row.seq).sort((a, b) => a - b);
    return chunks.map((chunk, index) => ({ seq: seqs[index], ...chunk }));
  }

  private async notifyAppended(trx: Transaction<Database>, chunks: readonly AppendedChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    const counts = new Map<string, [string, number, number]>();
    for (const chunk of chunks) {
      const id = `${chunk.connectorId}\u0000${chunk.partition}`;
      const entry = counts.get(id) ?? [chunk.connectorId, chunk.partition, 0];
      entry[2] += chunk.messages.length;
      counts.set(id, entry);
    }
    await sql`SELECT pg_notify(${this.signals.outboxChannel}, ${this.signals.appendedPayload([...counts.values()])})`.execute(trx);
  }

  /**
   * The messages of these chunks, from the cache or (those it lacks, in one query) the store, kept for the next
   * round. Returned, not left in the cache: keeping one chunk may push out another of the same rows.
   */
  private async decode(db: Kysely<Database>, rows: readonly ChunkRow[]): Promise<Map<number, ChunkMessage[]>> {
    const messages = new Map<number, ChunkMessage[]>();
    const missing: number[] = [];
    for (const row of rows) {
      const cached = this.decoded.get(row.seq);
      if (cached) messages.set(row.seq, cached);
      else missing.push(row.seq);
    }
    if (missing.length === 0) return messages;
    const { rows: found } = await sql<{ seq: number; messages: string }>`
      SELECT seq, messages FROM outbox_chunks WHERE seq = ANY(${missing}::bigint[])`.execute(db);
    for (const row of found) {
      const decoded = decodeMessages(row.messages);
      messages.set(row.seq, decoded);
      this.decoded.keep(row.seq, decoded);
    }
    // A chunk removed meanwhile (its connector deleted) has no messages left to read.
    for (const seq of missing) if (!messages.has(seq)) messages.set(seq, []);
    return messages;
  }

  /**
   * The partitions of `fence` whose lease this instance still holds with that epoch and that has not expired
   * (the database's clock), locked FOR KEY SHARE until commit so no other instance can take them meanwhile.
   */
  private async holdLeases(trx: Transaction<Database>, fence: ReadonlyMap<number, number>): Promise<Set<number>> {
    if (fence.size === 0) return new Set();
    const { rows } = await sql<{ partition: number }>`
      SELECT l.partition FROM partition_leases l
      JOIN unnest(${[...fence.keys()]}::int[], ${[...fence.values()]}::bigint[]) AS f(partition, epoch) ON f.partition = l.partition
      WHERE l.owner = ${this.ownership.owner} AND l.epoch = f.epoch AND l.expires_at > clock_timestamp()
      FOR KEY SHARE OF l`.execute(trx);
    return new Set(rows.map((row) => row.partition));
  }

  /** Writes changes (states, removals, dead letters), each statement guarded by the lease owner and epoch. */
  private async writeFenced(trx: Transaction<Database>, changes: ChunkChanges, fence: ReadonlyMap<number, number>): Promise<void> {
    if (changes.isEmpty()) return;
    const guard = (partition: ReturnType<typeof sql.ref>) => sql`EXISTS (
      SELECT 1 FROM partition_leases l JOIN unnest(${[...fence.keys()]}::int[], ${[...fence.values()]}::bigint[]) AS f(partition, epoch)
        ON f.partition = l.partition
      WHERE l.partition = ${partition} AND l.owner = ${this.ownership.owner} AND l.epoch = f.epoch)`;
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
    if (removed.length > 0) {
      const { rows } = await sql<{ seq: number }>`
        DELETE FROM outbox_chunks c WHERE c.seq = ANY(${removed}::bigint[]) AND ${guard(sql.ref('c.partition'))}
        RETURNING c.seq`.execute(trx);
      for (const row of rows) applied.add(row.seq);
    }
    const buried: (NewDeadLetter & { partition: number })[] = [];
    for (const [seq, outcome] of changes.outcomes) {
      if (!applied.has(seq)) {
        // Not ours any more: nothing of this chunk was written, so nothing counts as settled.
        changes.outcomes.delete(seq);
        continue;
      }
      for (const row of outcome.buried) buried.push(Object.assign([...row] as NewDeadLetter, { partition: outcome.partition }));
    }
    if (buried.length > 0) {
      const column = (index: number) => buried.map((row) => row[index]);
      await sql`
        INSERT INTO dead_letters (connector_id, partition_key, source_id, body, accepted_at, attempts, failed_at, error_code, error_message)
        SELECT d.connector_id, d.partition_key, d.source_id, d.body, d.accepted_at, d.attempts, d.failed_at, d.error_code, d.error_message
        FROM unnest(${column(0)}::text[], ${column(1)}::text[], ${column(2)}::text[], ${column(3)}::text[], ${column(4)}::bigint[],
                    ${column(5)}::int[], ${column(6)}::bigint[], ${column(7)}::text[], ${column(8)}::text[], ${buried.map((row) => row.partition)}::int[])
             AS d(connector_id, partition_key, source_id, body, accepted_at, attempts, failed_at, error_code, error_message, partition)
        WHERE ${guard(sql.ref('d.partition'))}`.execute(trx);
    }
  }

  /** After a settlement or expiry committed: removed chunks leave the cache, settled messages the backlogs. */
  private committedChanges(changes: ChunkChanges): void {
    for (const [seq, outcome] of changes.outcomes) {
      if (outcome.pending === 0) this.decoded.forget(seq);
      if (outcome.settled === 0) continue;
      this.counters.add(outcome.connectorId, -outcome.settled);
      this.deliverable.add(outcome.connectorId, -outcome.settled);
    }
  }
}

/** The fence of many rounds together: per partition the oldest epoch any of them was selected under. */
function fenceOf(items: readonly SettlementItem[]): Map<number, number> {
  const fence = new Map<number, number>();
  for (const { fence: own } of items) {
    for (const [partition, epoch] of own?.epochs ?? []) fence.set(partition, Math.min(fence.get(partition) ?? Infinity, epoch));
  }
  return fence;
}
