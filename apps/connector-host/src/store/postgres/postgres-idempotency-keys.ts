import { sql, type Transaction } from 'kysely';
import type { StoredAnswer } from '../repositories/idempotency.repository.js';
import type { Database } from '../schema.js';
import type { IntakeRecord } from '../outbox/outbox-store.js';

/** The keys a commit took, and the requests whose key another instance had committed (with that first answer). */
export interface RecordedKeys {
  taken: ReadonlySet<string>;
  earlier: Map<number, StoredAnswer>;
}

/**
 * Records the requests' Idempotency-Keys first; a key another instance committed meanwhile (within the
 * retention) is not taken again: its request is answered with that first answer and stores nothing.
 */
export async function recordKeys(
  trx: Transaction<Database>,
  requests: readonly IntakeRecord[],
  retentionMs: number,
): Promise<RecordedKeys> {
  const keyed = requests.flatMap((request, index) => (request.idempotency ? [{ index, request, key: request.idempotency }] : []));
  const earlier = new Map<number, StoredAnswer>();
  if (keyed.length === 0) return { taken: new Set(), earlier };
  const { rows: taken } = await sql<{ key: string }>`
    INSERT INTO idempotency_keys (key, request_hash, status, response, created_at)
    SELECT * FROM unnest(${keyed.map((k) => k.key.key)}::text[], ${keyed.map((k) => k.key.hash)}::text[],
                         ${keyed.map(() => 202)}::int[], ${keyed.map((k) => JSON.stringify(k.key.answer))}::text[],
                         ${keyed.map((k) => k.request.acceptedAt)}::bigint[])
    ON CONFLICT (key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status = EXCLUDED.status,
      response = EXCLUDED.response, created_at = EXCLUDED.created_at
      WHERE idempotency_keys.created_at < ${keyed[0].request.acceptedAt - retentionMs}
    RETURNING key`.execute(trx);
  const mine = new Set(taken.map((row) => row.key));
  const others = keyed.filter((k) => !mine.has(k.key.key));
  if (others.length === 0) return { taken: mine, earlier };
  const { rows } = await sql<StoredAnswer & { key: string }>`
    SELECT key, request_hash, status, response, created_at FROM idempotency_keys WHERE key = ANY(${others.map((k) => k.key.key)}::text[])`.execute(
    trx,
  );
  const byKey = new Map(rows.map((row) => [row.key, row]));
  for (const other of others) {
    const answer = byKey.get(other.key.key);
    if (answer) earlier.set(other.index, answer);
  }
  return { taken: mine, earlier };
}
