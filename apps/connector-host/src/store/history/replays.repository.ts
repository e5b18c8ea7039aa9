import { Injectable } from '@nestjs/common';
import type { ExpressionBuilder, Selectable } from 'kysely';
import { DatabaseService } from '../database.service.js';
import { decodeDead } from '../outbox/outbox-chunk.js';
import type { Database, ReplaysTable } from '../schema.js';
import type { HistoryChunk } from './history-search.js';
import { sql } from 'kysely';

export type ReplayRow = Selectable<ReplaysTable>;

/** What a caller asks to replay: a connector's settled messages accepted in [from, to], filtered. */
export interface NewReplay {
  id: string;
  connectorId: string;
  from: number;
  to: number;
  outcomes: readonly ('delivered' | 'dead_lettered')[] | null;
  sourceId: string | null;
  createdAt: number;
}

const numeric = (row: ReplayRow): ReplayRow => ({
  ...row,
  from_at: Number(row.from_at),
  to_at: Number(row.to_at),
  next_seq: Number(row.next_seq),
  total: Number(row.total),
  requeued: Number(row.requeued),
  created_at: Number(row.created_at),
  finished_at: row.finished_at === null ? null : Number(row.finished_at),
  lease_until: row.lease_until === null ? null : Number(row.lease_until),
});

/**
 * Replays as the store keeps them, the same on both engines: asked for, claimed by the instance that runs them (a
 * lease another takes over once it lapses), cancelled. Their steps are written by the outbox (`replayStep`), in
 * the transaction that appends what they requeue.
 */
@Injectable()
export class ReplaysRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Stores a running replay with the history's count of messages in its range; false when the connector has one
   * running already (the store's unique index decides between instances racing).
   */
  async create(replay: NewReplay): Promise<boolean> {
    const { db } = this.database;
    // Before the count: a refused request costs no read of the range.
    if (await this.running(replay.connectorId)) return false;
    const counted = await db
      .selectFrom('message_history')
      .select((eb) => eb.fn.sum<number>('count').as('total'))
      .where('connector_id', '=', replay.connectorId)
      .where('accepted_at', '>=', replay.from)
      .where('accepted_at', '<=', replay.to)
      .executeTakeFirst();
    try {
      await db
        .insertInto('replays')
        .values({
          id: replay.id,
          connector_id: replay.connectorId,
          from_at: replay.from,
          to_at: replay.to,
          outcomes: replay.outcomes === null ? null : JSON.stringify(replay.outcomes),
          source_id: replay.sourceId,
          status: 'running',
          next_seq: 0,
          total: Number(counted?.total ?? 0),
          requeued: 0,
          created_at: replay.createdAt,
          finished_at: null,
          owner: null,
          lease_until: null,
        })
        .execute();
      return true;
    } catch (error) {
      if (await this.running(replay.connectorId)) return false;
      throw error;
    }
  }

  async running(connectorId: string): Promise<ReplayRow | undefined> {
    const row = await this.database.db
      .selectFrom('replays')
      .selectAll()
      .where('connector_id', '=', connectorId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return row && numeric(row);
  }

  /** A connector's latest replays, newest first (by index: replays_by_connector). */
  async recent(connectorId: string, limit: number): Promise<ReplayRow[]> {
    const rows = await this.database.db
      .selectFrom('replays')
      .selectAll()
      .where('connector_id', '=', connectorId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(numeric);
  }

  async get(connectorId: string, id: string): Promise<ReplayRow | undefined> {
    const row = await this.database.db
      .selectFrom('replays')
      .selectAll()
      .where('id', '=', id)
      .where('connector_id', '=', connectorId)
      .executeTakeFirst();
    return row && numeric(row);
  }

  /** Stops a running replay (what it requeued already still goes); whether it was running. */
  async cancel(connectorId: string, id: string, now: number): Promise<boolean> {
    const result = await this.database.db
      .updateTable('replays')
      .set({ status: 'cancelled', finished_at: now })
      .where('id', '=', id)
      .where('connector_id', '=', connectorId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Running replays no live instance holds (or this one does). */
  async claimable(owner: string, now: number): Promise<{ id: string; connectorId: string }[]> {
    const rows = await this.database.db
      .selectFrom('replays')
      .select(['id', 'connector_id'])
      .where('status', '=', 'running')
      .where(leaseFreeFor(owner, now))
      .execute();
    return rows.map((row) => ({ id: row.id, connectorId: row.connector_id }));
  }

  /** The first chunk of a replay's range still in the outbox (not one a replay appended), from where it stands. */
  async firstPendingFrom(replay: ReplayRow): Promise<number | undefined> {
    const row = await this.database.db
      .selectFrom('outbox_chunks')
      .select('seq')
      .where('connector_id', '=', replay.connector_id)
      .where('seq', '>=', replay.next_seq)
      .where('accepted_at', '>=', replay.from_at)
      .where('accepted_at', '<=', replay.to_at)
      .where('replay_id', 'is', null)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.seq);
  }

  /** Takes (or renews) the lease of a running replay for `owner` until `until`; the replay as it stands, if taken. */
  async claim(id: string, owner: string, now: number, until: number): Promise<ReplayRow | undefined> {
    const result = await this.database.db
      .updateTable('replays')
      .set({ owner, lease_until: until })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where(leaseFreeFor(owner, now))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    const row = await this.database.db.selectFrom('replays').selectAll().where('id', '=', id).executeTakeFirst();
    return row && numeric(row);
  }

  /** The next settled chunks a replay reads, in seq order: from `fromSeq`, accepted in its range, not its own. */
  async chunksFrom(replay: ReplayRow, count: number): Promise<HistoryChunk[]> {
    const sqlite = this.database.engine === 'sqlite';
    const messages = sqlite ? sql<string>`m.messages` : sql<string>`h.messages`;
    const rows = await this.database.db
      .selectFrom('message_history as h')
      .$if(sqlite, (query) => query.innerJoin('outbox_chunk_messages as m', 'm.seq', 'h.seq'))
      .select(['h.seq', 'h.connector_id', 'h.accepted_at', 'h.dead', messages.as('messages')])
      .where('h.connector_id', '=', replay.connector_id)
      .where('h.seq', '>=', replay.next_seq)
      .where('h.accepted_at', '>=', replay.from_at)
      .where('h.accepted_at', '<=', replay.to_at)
      // Only originals: what any replay sent again is a copy of one of them.
      .where('h.replay_id', 'is', null)
      .orderBy('h.seq')
      .limit(count)
      .execute();
    return rows.map((row) => ({ ...row, seq: Number(row.seq), accepted_at: Number(row.accepted_at) }));
  }

  /** Messages a replay requeued that were delivered since (dead-lettered ones are not). */
  async delivered(id: string): Promise<number> {
    const rows = await this.database.db.selectFrom('message_history').select(['count', 'dead']).where('replay_id', '=', id).execute();
    return rows.reduce((sum, row) => sum + Number(row.count) - decodeDead(row.dead).size, 0);
  }

  /**
   * Deletes up to `batch` of the replays that finished (done or cancelled) before `finishedBefore`, the oldest first,
   * by index (replays_finished); how many went. A running one never goes.
   */
  async purgeFinished(finishedBefore: number, batch: number): Promise<number> {
    const { db } = this.database;
    const oldest = db
      .selectFrom('replays')
      .select('id')
      .where('status', '<>', 'running')
      .where('finished_at', '<', finishedBefore)
      .orderBy('finished_at')
      .limit(batch);
    const result = await db.deleteFrom('replays').where('id', 'in', oldest).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** A replay's lease `owner` may take at `now`: nobody's, already its own, or lapsed. */
function leaseFreeFor(owner: string, now: number) {
  return (eb: ExpressionBuilder<Database, 'replays'>) =>
    eb.or([eb('owner', 'is', null), eb('owner', '=', owner), eb('lease_until', '<', now)]);
}
