import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DatabaseService } from '../database.service.js';
import { OutboxStore } from '../outbox/outbox-store.js';
import { decodeAttempts } from './chunk-attempts.js';
import { type HistoryChunk, type HistoryQuery, type HistorySearch, searchHistory } from './history-search.js';
import { chunkOf, indexIn, messageSeq } from '../outbox/outbox-chunk.js';

/**
 * Attempt rows one page reads at most, the newest: a destination failing for a day leaves thousands per chunk, and
 * a page shows their latest (its messages' final attempts are in their history rows, always read).
 */
const ATTEMPT_ROWS_PER_PAGE = 10_000;

/**
 * The message history: every message's chunk (pending ones in the outbox, settled ones moved whole to
 * `message_history` by the settlement that settled their last message) and what each delivery call did to it
 * (`message_attempts`, written by the settlement). Read the same way on both engines; written by the engines'
 * outboxes in their settlement transactions; purged here, oldest first, a batch per statement.
 */
@Injectable()
export class MessageHistoryRepository {
  constructor(
    private readonly database: DatabaseService,
    private readonly outbox: OutboxStore,
  ) {}

  /** A page of messages, newest first, each with its attempts (see history-search.ts for what bounds it). */
  async search(query: HistoryQuery): Promise<HistorySearch> {
    const start = await this.startBefore(query);
    if (start === null) return { items: [], next: null };
    const found = await searchHistory(
      (connectorId, atMost, count) => this.outbox.chunksBefore(connectorId, atMost + 1, count),
      (connectorId, atMost, count) => this.settledChunks(connectorId, atMost, count, query.to),
      { ...query, before: start },
    );
    await this.withAttempts(found);
    return found;
  }

  /**
   * Where a read of one connector starts: its cursor, or, given `to`, just past the newest chunk accepted by then
   * (found by index, so a read of last week never walks this week's history); null when nothing was.
   */
  private async startBefore(query: HistoryQuery): Promise<number | undefined | null> {
    if (query.to === undefined || query.connectorId === undefined) return query.before;
    const { db } = this.database;
    const newest = async (table: 'message_history' | 'outbox_chunks') =>
      (
        await db
          .selectFrom(table)
          .select('seq')
          .where('connector_id', '=', query.connectorId!)
          .where('accepted_at', '<=', query.to!)
          .$if(table === 'message_history', (select) => select.orderBy('accepted_at', 'desc'))
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirst()
      )?.seq;
    const seqs = [await newest('message_history'), await newest('outbox_chunks')].filter((seq) => seq !== undefined).map(Number);
    if (seqs.length === 0) return null;
    const start = messageSeq(Math.max(...seqs) + 1, 0);
    return query.before === undefined ? start : Math.min(query.before, start);
  }

  private async settledChunks(connectorId: string | undefined, atMost: number, count: number, to?: number): Promise<HistoryChunk[]> {
    // SQLite keeps a settled chunk's messages where intake wrote them (migration 016).
    const messages = this.database.engine === 'sqlite' ? sql<string>`m.messages` : sql<string>`h.messages`;
    let select = this.database.db
      .selectFrom('message_history as h')
      .$if(this.database.engine === 'sqlite', (query) => query.innerJoin('outbox_chunk_messages as m', 'm.seq', 'h.seq'))
      .select(['h.seq', 'h.connector_id', 'h.accepted_at', 'h.dead', 'h.attempts', messages.as('messages')])
      .where('h.seq', '<=', atMost)
      .orderBy('h.seq', 'desc')
      .limit(count);
    if (connectorId !== undefined) select = select.where('h.connector_id', '=', connectorId);
    // Newer chunks than `to` are passed over in the statement (their messages never leave the store).
    if (to !== undefined) select = select.where('h.accepted_at', '<=', to);
    const rows = await select.execute();
    return rows.map((row) => ({ ...row, seq: Number(row.seq), accepted_at: Number(row.accepted_at) }));
  }

  /**
   * Puts each found message's earlier attempts (rows of their own, from one read of its chunks' rows) before those
   * its history row holds (the settlement that moved it, always the last), oldest first.
   */
  private async withAttempts(found: HistorySearch): Promise<void> {
    if (found.items.length === 0) return;
    const chunks = [...new Set(found.items.map((item) => chunkOf(item.seq)))];
    const connectors = [...new Set(found.items.map((item) => item.connectorId))];
    const rows = await this.database.db
      .selectFrom('message_attempts')
      .select(['chunk_seq', 'at', 'latency_ms', 'entries'])
      .where('connector_id', 'in', connectors)
      .where('chunk_seq', 'in', chunks)
      .orderBy('id', 'desc')
      .limit(ATTEMPT_ROWS_PER_PAGE)
      .execute();
    const byChunk = new Map<number, typeof rows>();
    for (const row of rows.reverse()) {
      const seq = Number(row.chunk_seq);
      let list = byChunk.get(seq);
      if (!list) byChunk.set(seq, (list = []));
      list.push(row);
    }
    const decoded = new Map<number, ReturnType<typeof decodeAttempts>[]>();
    for (const item of found.items) {
      const seq = chunkOf(item.seq);
      let perRow = decoded.get(seq);
      if (!perRow) {
        perRow = (byChunk.get(seq) ?? []).map((row) => decodeAttempts(Number(row.at), Number(row.latency_ms), row.entries));
        decoded.set(seq, perRow);
      }
      const earlier = perRow.flatMap((attempts) => attempts.get(indexIn(item.seq)) ?? []);
      if (earlier.length > 0) item.attempts = [...earlier, ...item.attempts];
    }
  }

  /**
   * Deletes up to `batch` of the oldest settled chunks accepted before `acceptedBefore`, and attempts made before
   * it; returns how many rows went. Looks only at the oldest `batch` rows of each table (by key): never a scan of the
   * whole history for the few that are old enough.
   */
  async purge(acceptedBefore: number, batch: number): Promise<number> {
    const { db } = this.database;
    const oldestChunks = db.selectFrom('message_history').select(['seq', 'accepted_at']).orderBy('seq').limit(batch).as('oldest');
    const chunks = await db
      .deleteFrom('message_history')
      .where('seq', 'in', db.selectFrom(oldestChunks).select('oldest.seq').where('oldest.accepted_at', '<', acceptedBefore))
      .executeTakeFirst();
    const oldestAttempts = db.selectFrom('message_attempts').select(['id', 'at']).orderBy('id').limit(batch).as('oldest');
    const attempts = await db
      .deleteFrom('message_attempts')
      .where('id', 'in', db.selectFrom(oldestAttempts).select('oldest.id').where('oldest.at', '<', acceptedBefore))
      .executeTakeFirst();
    return Number(chunks.numDeletedRows) + Number(attempts.numDeletedRows);
  }
}
