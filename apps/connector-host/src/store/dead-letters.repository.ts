import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service.js';
import type { Selectable } from 'kysely';
import type { DeadLettersTable } from './schema.js';
import { CHUNK_MAX_MESSAGES } from './outbox-chunk.js';
import { OutboxRepository } from './outbox.repository.js';

interface ReplayedRow {
  id: number;
  partition_key: string;
  source_id: string | null;
  body: string;
}

export type DeadLetterRow = Selectable<DeadLettersTable>;

/** Messages that will not be delivered without a person: listed, and replayed into the outbox on request. */
@Injectable()
export class DeadLettersRepository {
  private readonly replayTransaction: (connectorId: string, ids: readonly number[] | undefined, acceptedAt: number) => number;

  constructor(
    private readonly database: DatabaseService,
    outbox: OutboxRepository,
  ) {
    const { sqlite } = database;
    const all = sqlite.prepare('SELECT id, partition_key, source_id, body FROM dead_letters WHERE connector_id = ? AND id > ? ORDER BY id LIMIT ?');
    const one = sqlite.prepare('SELECT id, partition_key, source_id, body FROM dead_letters WHERE connector_id = ? AND id = ?');
    const remove = sqlite.prepare('DELETE FROM dead_letters WHERE id = ?');
    // Replayed messages count as newly accepted (their maximum age starts again), in their original order.
    this.replayTransaction = sqlite.transaction((connectorId: string, ids: readonly number[] | undefined, acceptedAt: number) => {
      let replayed = 0;
      const requeue = (rows: readonly ReplayedRow[]) => {
        outbox.appendAll(rows.map((row) => ({ connectorId, partitionKey: row.partition_key, sourceId: row.source_id, body: row.body })), acceptedAt);
        for (const row of rows) remove.run(row.id);
        replayed += rows.length;
      };
      if (ids === undefined) {
        for (let after = 0; ; ) {
          const rows = all.all(connectorId, after, CHUNK_MAX_MESSAGES) as ReplayedRow[];
          if (rows.length === 0) break;
          requeue(rows);
          after = rows[rows.length - 1].id;
        }
      } else {
        const rows = [...new Set(ids)].sort((a, b) => a - b).flatMap((id) => (one.all(connectorId, id) as ReplayedRow[]));
        for (let start = 0; start < rows.length; start += CHUNK_MAX_MESSAGES) requeue(rows.slice(start, start + CHUNK_MAX_MESSAGES));
      }
      return replayed;
    });
  }

  async list(connectorId: string, afterId: number, limit: number): Promise<DeadLetterRow[]> {
    return this.database.db
      .selectFrom('dead_letters')
      .selectAll()
      .where('connector_id', '=', connectorId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  async count(connectorId: string): Promise<number> {
    const row = await this.database.db
      .selectFrom('dead_letters')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('connector_id', '=', connectorId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Moves all (or the given) dead letters of a connector back to its outbox, in their original order. */
  replay(connectorId: string, ids?: readonly number[]): number {
    return this.replayTransaction(connectorId, ids, Date.now());
  }
}
