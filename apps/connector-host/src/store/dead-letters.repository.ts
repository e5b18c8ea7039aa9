import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service.js';
import type { Selectable } from 'kysely';
import type { DeadLettersTable } from './schema.js';

export type DeadLetterRow = Selectable<DeadLettersTable>;

/** Messages that will not be delivered without a person: listed, and replayed into the outbox on request. */
@Injectable()
export class DeadLettersRepository {
  private readonly replayTransaction: (connectorId: string, ids: readonly number[] | undefined, acceptedAt: number) => number;

  constructor(private readonly database: DatabaseService) {
    const { sqlite } = database;
    const copyAll = sqlite.prepare(
      `INSERT INTO outbox (connector_id, partition_key, source_id, body, accepted_at, attempts, next_attempt_at)
       SELECT connector_id, partition_key, source_id, body, ?, 0, 0 FROM dead_letters WHERE connector_id = ? ORDER BY id`,
    );
    const deleteAll = sqlite.prepare('DELETE FROM dead_letters WHERE connector_id = ?');
    const copyOne = sqlite.prepare(
      `INSERT INTO outbox (connector_id, partition_key, source_id, body, accepted_at, attempts, next_attempt_at)
       SELECT connector_id, partition_key, source_id, body, ?, 0, 0 FROM dead_letters WHERE connector_id = ? AND id = ?`,
    );
    const deleteOne = sqlite.prepare('DELETE FROM dead_letters WHERE connector_id = ? AND id = ?');
    // Replayed messages count as newly accepted: their maximum age starts again.
    this.replayTransaction = sqlite.transaction((connectorId: string, ids: readonly number[] | undefined, acceptedAt: number) => {
      if (ids === undefined) {
        const { changes } = copyAll.run(acceptedAt, connectorId);
        deleteAll.run(connectorId);
        return changes;
      }
      let replayed = 0;
      for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
        replayed += copyOne.run(acceptedAt, connectorId, id).changes;
        deleteOne.run(connectorId, id);
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
