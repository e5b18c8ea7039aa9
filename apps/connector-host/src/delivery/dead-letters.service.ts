import { Injectable } from '@nestjs/common';
import { ConnectorSetupsService } from '../setups/connector-setups.service.js';
import { DeadLettersRepository } from '../store/repositories/dead-letters.repository.js';
import { OutboxStore } from '../store/outbox/outbox-store.js';
import type { DeadLetterPage, DeleteResult, ReplayResult } from './dead-letter-answers.js';

/** Messages that will not be delivered without a person: listed for them, and requeued when they say so. */
@Injectable()
export class DeadLettersService {
  constructor(
    private readonly setups: ConnectorSetupsService,
    private readonly deadLetters: DeadLettersRepository,
    private readonly replays: OutboxStore,
  ) {}

  /** A connector's dead letters, oldest first, paged by id; `site`: the caller's site, if limited. */
  async list(connectorId: string, page: { after?: number; limit?: number }, site?: number): Promise<DeadLetterPage> {
    await this.setups.row(connectorId, site);
    const limit = page.limit ?? 100;
    const { rows, total } = await this.deadLetters.page(connectorId, page.after ?? 0, limit);
    return {
      items: rows.map((row) => ({
        id: row.id,
        messageId: row.message_id === null ? null : String(row.message_id),
        partitionKey: row.partition_key,
        message: JSON.parse(row.body) as unknown,
        attempts: row.attempts,
        acceptedAt: new Date(row.accepted_at).toISOString(),
        failedAt: new Date(row.failed_at).toISOString(),
        errorCode: row.error_code,
        errorMessage: row.error_message,
      })),
      total,
      nextAfter: rows.length === limit ? rows[rows.length - 1].id : null,
    };
  }

  /** Puts all (or the given) dead letters back in the outbox, in their original order (which tells delivery). */
  async replay(connectorId: string, ids: readonly number[] | undefined, site?: number): Promise<ReplayResult> {
    await this.setups.row(connectorId, site);
    const replayed = await this.replays.replay(connectorId, ids);
    return { replayed };
  }

  /** Deletes all (or the given) dead letters of a connector, a batch per transaction; returns how many went. */
  async delete(connectorId: string, ids: readonly number[] | undefined, site?: number): Promise<DeleteResult> {
    await this.setups.row(connectorId, site);
    // Up to the newest now: what is dead-lettered while this runs is not deleted unseen.
    const upTo = ids === undefined ? await this.deadLetters.lastIdOf(connectorId) : undefined;
    let deleted = 0;
    for (let start = 0; ; start += DELETE_BATCH) {
      const batch = ids?.slice(start, start + DELETE_BATCH);
      if (batch?.length === 0) break;
      const gone = await this.deadLetters.deleteBatch({ connectorId, ids: batch, upTo }, DELETE_BATCH);
      deleted += gone;
      if (!batch && gone < DELETE_BATCH) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { deleted };
  }
}

/** Dead letters deleted per transaction. */
const DELETE_BATCH = 1000;
