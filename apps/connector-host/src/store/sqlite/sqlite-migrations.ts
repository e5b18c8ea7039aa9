import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

// Append only: never edit a migration that has shipped.
/** SQLite's own history, up to the chunked outbox (006). */
export const sqliteMigrations: Record<string, Migration> = {
  '2026-11-28-001-initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('connectors')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('site_number', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('partner_number', 'integer', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('secrets', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('connectors_by_site').on('connectors').columns(['site_number']).execute();

      await db.schema
        .createTable('bindings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id').onDelete('cascade'))
        .addColumn('site_number', 'integer', (c) => c.notNull())
        .addColumn('source_type', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('source_number', 'integer')
        .addColumn('source_label', 'text', (c) => c.notNull())
        .addColumn('source_name', 'text')
        .addColumn('profile_variables', 'text', (c) => c.notNull())
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addUniqueConstraint('bindings_one_per_connector_and_source', ['connector_id', 'source_id'])
        .execute();
      await db.schema.createIndex('bindings_by_site_source').on('bindings').columns(['site_number', 'source_id']).execute();

      await db.schema
        .createTable('outbox')
        .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id').onDelete('cascade'))
        .addColumn('partition_key', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('accepted_at', 'integer', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error_code', 'text')
        .addColumn('last_error_message', 'text')
        .execute();
      // The delivery loop reads each connector's backlog in acceptance order.
      await db.schema.createIndex('outbox_by_connector_seq').on('outbox').columns(['connector_id', 'seq']).execute();

      await db.schema
        .createTable('dead_letters')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id').onDelete('cascade'))
        .addColumn('partition_key', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('accepted_at', 'integer', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('failed_at', 'integer', (c) => c.notNull())
        .addColumn('error_code', 'text', (c) => c.notNull())
        .addColumn('error_message', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('dead_letters_by_connector').on('dead_letters').columns(['connector_id', 'id']).execute();
      await sql`select 1`.execute(db);
    },
  },
  '2026-11-28-002-durable-delivery': {
    async up(db: Kysely<unknown>) {
      // A connector paused after repeated set-up failures keeps its backlog until it is resumed.
      await db.schema.alterTable('connectors').addColumn('paused_reason', 'text').execute();
      await db.schema.alterTable('connectors').addColumn('paused_at', 'integer').execute();
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idempotency_keys_by_age').on('idempotency_keys').columns(['created_at']).execute();
    },
  },
  '2026-11-28-003-delivery-trace': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('outbox').addColumn('source_id', 'text').execute();
      await db.schema.alterTable('dead_letters').addColumn('source_id', 'text').execute();
      // What became of recent messages: delivered (where) or skipped (why). Pending and dead-lettered
      // messages are read from the outbox and dead letters themselves. Rows older than the retention go.
      await db.schema
        .createTable('delivery_trace')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('connector_id', 'text')
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('shard_id', 'text')
        .addColumn('sequence_number', 'text')
        .addColumn('attempts', 'integer')
        .addColumn('accepted_at', 'integer', (c) => c.notNull())
        .addColumn('at', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('delivery_trace_by_profile').on('delivery_trace').columns(['profile_id', 'id']).execute();
      await db.schema.createIndex('delivery_trace_by_source').on('delivery_trace').columns(['source_id', 'id']).execute();
      await db.schema.createIndex('delivery_trace_by_connector').on('delivery_trace').columns(['connector_id', 'id']).execute();
      await db.schema.createIndex('delivery_trace_by_age').on('delivery_trace').columns(['at']).execute();
    },
  },
  '2026-11-28-004-lighter-trace': {
    async up(db: Kysely<unknown>) {
      // The trace is written on the hot path: two indexes fewer. Purging finds its cut-off by id, which grows with
      // time; a query by connector alone walks the newest rows first, where a connector's own rows are plenty.
      await db.schema.dropIndex('delivery_trace_by_age').execute();
      await db.schema.dropIndex('delivery_trace_by_connector').execute();
    },
  },
  '2026-11-28-005-trace-in-memory': {
    async up(db: Kysely<unknown>) {
      // The trace of delivered and skipped messages moved to a bounded ring in memory (see TraceRepository).
      await db.schema.dropTable('delivery_trace').execute();
    },
  },
  '2026-11-28-006-outbox-chunks': {
    async up(db: Kysely<unknown>) {
      // The messages of one request for one connector are stored together (see outbox-chunk.ts).
      await db.schema
        .createTable('outbox_chunks')
        .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id').onDelete('cascade'))
        .addColumn('accepted_at', 'integer', (c) => c.notNull())
        .addColumn('pending', 'integer', (c) => c.notNull())
        .addColumn('messages', 'text', (c) => c.notNull())
        .addColumn('state', 'text')
        .execute();
      await db.schema.createIndex('outbox_chunks_by_connector_seq').on('outbox_chunks').columns(['connector_id', 'seq']).execute();
      // Messages still waiting move over in their order, one chunk each, with their retry state.
      await sql`
        INSERT INTO outbox_chunks (connector_id, accepted_at, pending, messages, state)
        SELECT connector_id, accepted_at, 1, json_array(json_array(partition_key, source_id, body)),
               CASE WHEN attempts > 0 THEN json_object('retry', json_object('0', json_array(attempts, next_attempt_at, coalesce(last_error_code, 'Unknown'), coalesce(last_error_message, '')))) END
        FROM outbox ORDER BY seq`.execute(db);
      await db.schema.dropTable('outbox').execute();
    },
  },
};
