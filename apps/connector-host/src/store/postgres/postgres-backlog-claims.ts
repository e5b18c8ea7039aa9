import { sql, type Transaction } from 'kysely';
import { type ClaimRefused, type ClaimingRequest, claimedConnectors, refusedClaims } from '../outbox/backlog-claim.js';
import type { Database } from '../schema.js';
import { CHUNK_BYTES } from './postgres-chunk-io.js';

/**
 * Verifies the group's claims against the table, which every instance writes. Each connector a claim counts is
 * locked until this transaction ends (one 64-bit key per connector, taken in key order: two commits never wait on
 * each other), then the backlogs are read. A commit whose claim shares a connector with this one waits, then reads
 * what this one stored: two claims can never both take the last room of a site or connector. What is not claimed
 * is not checked here: a request whose instance counted its site below half the bound (VERIFIED_FROM) commits
 * unchecked, so the bound holds exactly as long as no instance's counts trail the store by half of it.
 */
export async function verifyClaims(
  trx: Transaction<Database>,
  requests: readonly ClaimingRequest[],
  skip: { has(index: number): boolean },
): Promise<Map<number, ClaimRefused>> {
  const connectorIds = claimedConnectors(requests.filter((_, index) => !skip.has(index)));
  if (connectorIds.length === 0) return new Map();
  // PostgreSQL evaluates a volatile output expression after the sort: the locks are taken in key order.
  await sql`
    SELECT pg_advisory_xact_lock(key) FROM (
      SELECT DISTINCT hashtextextended('backlog-of-connector:' || id, 0) AS key FROM unnest(${connectorIds}::text[]) id
    ) keys ORDER BY key`.execute(trx);
  const { rows } = await sql<{ connector_id: string; pending: number; bytes: number }>`
    SELECT connector_id, sum(pending) AS pending, sum(${CHUNK_BYTES}) AS bytes
    FROM outbox_chunks WHERE connector_id = ANY(${connectorIds}::text[]) GROUP BY connector_id`.execute(trx);
  const stored = new Map(rows.map((row) => [row.connector_id, { messages: row.pending, bytes: row.bytes }]));
  return refusedClaims(requests, (id) => stored.get(id) ?? { messages: 0, bytes: 0 }, skip);
}

/**
 * Gives back the Idempotency-Keys refused requests took earlier in the same transaction (`taken`: never a key
 * another request holds), so that a retry finds them free.
 */
export async function releaseKeys(
  trx: Transaction<Database>,
  requests: readonly { idempotency?: { key: string } }[],
  refused: ReadonlyMap<number, ClaimRefused>,
  taken: ReadonlySet<string>,
): Promise<void> {
  const keys = [...refused.keys()].flatMap((index) => requests[index].idempotency?.key ?? []).filter((key) => taken.has(key));
  if (keys.length > 0) await sql`DELETE FROM idempotency_keys WHERE key = ANY(${keys}::text[])`.execute(trx);
}
