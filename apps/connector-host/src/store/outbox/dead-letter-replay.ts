import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database.service.js';
import { DeadLettersRepository, type ReplayedDeadLetter } from '../dead-letters.repository.js';
import { CHUNK_MAX_MESSAGES } from './outbox-chunk.js';
import { type AppendedChunk, OutboxRepository } from './outbox.repository.js';

/** Moves dead letters back into the outbox, in one transaction over both tables. */
@Injectable()
export class DeadLetterReplay {
  constructor(
    private readonly database: DatabaseService,
    private readonly outbox: OutboxRepository,
    private readonly deadLetters: DeadLettersRepository,
  ) {}

  /**
   * Requeues all (or the given) dead letters of a connector, in their original order; they count as newly
   * accepted (their maximum age starts again). Returns how many.
   */
  replay(connectorId: string, ids?: readonly number[]): number {
    const acceptedAt = Date.now();
    const appended = this.database.transaction(() => {
      const chunks: AppendedChunk[] = [];
      const requeue = (rows: readonly ReplayedDeadLetter[]) =>
        chunks.push(
          ...this.outbox.appendAll(
            rows.map((row) => ({ connectorId, partitionKey: row.partition_key, sourceId: row.source_id, body: row.body })),
            acceptedAt,
          ),
        );
      if (ids === undefined) {
        for (let afterId = 0; ;) {
          const rows = this.deadLetters.take(connectorId, { afterId, limit: CHUNK_MAX_MESSAGES });
          if (rows.length === 0) break;
          requeue(rows);
          afterId = rows[rows.length - 1].id;
        }
      } else {
        const rows = this.deadLetters.take(connectorId, { ids: [...new Set(ids)].sort((a, b) => a - b) });
        for (let start = 0; start < rows.length; start += CHUNK_MAX_MESSAGES) requeue(rows.slice(start, start + CHUNK_MAX_MESSAGES));
      }
      return chunks;
    });
    this.outbox.committed(appended);
    return appended.reduce((sum, chunk) => sum + chunk.messages.length, 0);
  }
}
