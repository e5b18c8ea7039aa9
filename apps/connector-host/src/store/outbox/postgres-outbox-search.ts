import { type Kysely, sql } from 'kysely';
import type { MessageFilter } from '../message-filter.js';
import type { Database } from '../schema.js';
import type { PendingView } from './outbox-store.js';
import { pendingViews, type SearchRow } from './pending-views.js';

/** Finds pending messages for an operator on PostgreSQL: a scan of the outbox with `jsonb_array_elements` (not the delivery path). */
export async function searchPostgresOutbox(db: Kysely<Database>, filter: MessageFilter, limit: number): Promise<PendingView[]> {
  const conditions = [sql`NOT coalesce((c.state::jsonb -> 'done') @> to_jsonb(m.ord - 1), false)`];
  if (filter.connectorId !== undefined) conditions.push(sql`c.connector_id = ${filter.connectorId}`);
  if (filter.profileId !== undefined) conditions.push(sql`m.value ->> 0 = ${filter.profileId}`);
  if (filter.sourceId !== undefined) conditions.push(sql`m.value ->> 1 = ${filter.sourceId}`);
  const { rows } = await sql<SearchRow>`
    SELECT c.seq AS chunk, c.connector_id, c.accepted_at, c.state, (m.ord - 1)::int AS idx,
           m.value ->> 0 AS partition_key, m.value ->> 1 AS source_id
    FROM outbox_chunks c CROSS JOIN LATERAL jsonb_array_elements(c.messages::jsonb) WITH ORDINALITY AS m(value, ord)
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY c.seq DESC, m.ord DESC LIMIT ${limit}`.execute(db);
  return pendingViews(rows, limit);
}
