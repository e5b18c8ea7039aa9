import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database.service.js';
import type { MessageFilter } from '../message-filter.js';
import { type ChunkState, decodeState, messageSeq } from './outbox-chunk.js';
import type { PendingMessage } from './outbox.repository.js';

/** A pending message as the deliveries API shows it, with its last error. */
export interface PendingView extends Omit<PendingMessage, 'body'> {
  last_error_code: string | null;
  last_error_message: string | null;
}

/** Finds pending messages for an operator: a scan of the outbox with `json_each` (no index; not the delivery path). */
@Injectable()
export class OutboxSearch {
  constructor(private readonly database: DatabaseService) {}

  /** The newest pending messages matching every given filter, newest first. */
  find(filter: MessageFilter, limit: number): PendingView[] {
    const conditions: string[] = [];
    const parameters: string[] = [];
    const where = (condition: string, value: string | undefined) => {
      if (value === undefined) return;
      conditions.push(condition);
      parameters.push(value);
    };
    where('c.connector_id = ?', filter.connectorId);
    where("m.value ->> '$[0]' = ?", filter.profileId);
    where("m.value ->> '$[1]' = ?", filter.sourceId);
    const rows = this.database.sqlite
      .prepare(
        `SELECT c.seq AS chunk, c.connector_id, c.accepted_at, c.state, m.key AS idx, m.value ->> '$[0]' AS partition_key, m.value ->> '$[1]' AS source_id
         FROM outbox_chunks c, json_each(c.messages) m ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
         ORDER BY c.seq DESC, m.key DESC`,
      )
      .iterate(...parameters) as IterableIterator<{
      chunk: number;
      connector_id: string;
      accepted_at: number;
      state: string | null;
      idx: number;
      partition_key: string;
      source_id: string | null;
    }>;
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
}
