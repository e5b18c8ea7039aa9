import { sql, type Transaction } from 'kysely';
import { type ClaimRefused, type ClaimingRequest, claimedScopes, refusedClaims } from '../outbox/backlog-claim.js';
import type { Database } from '../schema.js';
import { CHUNK_BYTES } from './postgres-chunk-io.js';

/**
 * Verifies the group's claims against the table, which every instance writes: each claimed scope is locked until
 * this transaction ends (in one order, so two commits never wait on each other), then its connectors' backlogs are
 * read. Whoever commits next for the same scope waits, then reads what this one stored: two instances can never
 * both take the last room, however late their notifications of each other's commits arrive.
 */
export async function verifyClaims(
  trx: Transaction<Database>,
  requests: readonly ClaimingRequest[],
  skip: { has(index: number): boolean },
): Promise<Map<number, ClaimRefused>> {
  const { scopes, connectorIds } = claimedScopes(requests.filter((_, index) => !skip.has(index)));
  if (scopes.length === 0) return new Map();
  for (const scope of scopes) await sql`SELECT pg_advisory_xact_lock(hashtext(${`backlog:${scope}`}))`.execute(trx);
  const { rows } = await sql<{ connector_id: string; pending: number; bytes: number }>`
    SELECT connector_id, sum(pending) AS pending, sum(${CHUNK_BYTES}) AS bytes
    FROM outbox_chunks WHERE connector_id = ANY(${connectorIds}::text[]) GROUP BY connector_id`.execute(trx);
  const stored = new Map(rows.map((row) => [row.connector_id, { messages: row.pending, bytes: row.bytes }]));
  return refusedClaims(requests, (id) => stored.get(id) ?? { messages: 0, bytes: 0 }, skip);
}

/** Gives back the Idempotency-Keys of refused requests (taken first in the same transaction): a retry finds them free. */
export async function releaseKeys(
  trx: Transaction<Database>,
  requests: readonly { idempotency?: { key: string } }[],
  refused: ReadonlyMap<number, ClaimRefused>,
): Promise<void> {
  const keys = [...refused.keys()].flatMap((index) => requests[index].idempotency?.key ?? []);
  if (keys.length > 0) await sql`DELETE FROM idempotency_keys WHERE key = ANY(${keys}::text[])`.execute(trx);
}
