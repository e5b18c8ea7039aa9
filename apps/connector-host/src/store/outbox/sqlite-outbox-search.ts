import type SQLite from 'better-sqlite3';
import type { MessageFilter } from '../message-filter.js';
import type { PendingView } from './outbox-store.js';
import { pendingViews, type SearchRow } from './pending-views.js';

/** Finds pending messages for an operator: a scan of the outbox with `json_each` (no index; not the delivery path). */
export function searchOutbox(sqlite: SQLite.Database, filter: MessageFilter, limit: number): PendingView[] {
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
  const rows = sqlite
    .prepare(
      `SELECT c.seq AS chunk, c.connector_id, c.accepted_at, c.state, m.key AS idx, m.value ->> '$[0]' AS partition_key, m.value ->> '$[1]' AS source_id
       FROM outbox_chunks c, json_each(c.messages) m ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY c.seq DESC, m.key DESC`,
    )
    .iterate(...parameters) as IterableIterator<SearchRow>;
  return pendingViews(rows, limit);
}
