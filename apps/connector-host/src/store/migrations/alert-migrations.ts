import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { StoreEngine } from '../store-engine.js';

// Append only: never edit a migration that has shipped.
/** The facts alerts are decided on, and what was alerted (alerts/), both engines (part of sharedMigrations). */
export function alertMigrations(engine: StoreEngine): Record<string, Migration> {
  return {
    '2026-12-06-019-alerts': {
      async up(db: Kysely<unknown>) {
        const big = engine === 'postgres' ? 'bigint' : 'integer';
        // What delivering instances saw of a connector (delivery/delivery-facts.ts): written when its outcomes change
        // from success to failure or back, and refreshed a few times per ALERT_FAILING_AFTER, never per message. No
        // foreign keys: a grouped write of many connectors' facts must not fail whole for one deleted meanwhile (its
        // deletion removes both rows; a late write leaves one small row nothing reads).
        await db.schema
          .createTable('delivery_health')
          .addColumn('connector_id', 'text', (c) => c.primaryKey())
          .addColumn('last_success_at', big)
          .addColumn('failing_since', big)
          .addColumn('last_failure_at', big)
          .addColumn('last_error', 'text')
          .addColumn('capped_at', big)
          .addColumn('dead_window', big)
          .addColumn('dead_count', 'integer')
          .execute();
        // What was alerted for a connector: its state, and how many alerts it has had (an alert's idempotency key).
        await db.schema
          .createTable('alert_states')
          .addColumn('connector_id', 'text', (c) => c.primaryKey())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('since', big, (c) => c.notNull())
          .addColumn('changed_at', big, (c) => c.notNull())
          .addColumn('dead_letters_at', big)
          .addColumn('capped_at', big)
          .execute();
        // Paused connectors, found without a walk of all of them.
        await sql`CREATE INDEX connectors_paused ON connectors (paused_at) WHERE paused_reason IS NOT NULL`.execute(db);
      },
    },
  };
}
