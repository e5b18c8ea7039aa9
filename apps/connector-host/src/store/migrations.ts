import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';
import type { StoreEngine } from './store-engine.js';

// Migrations live in code (not files found at run time) so the built host carries them wherever it runs.
// Append only: never edit a migration that has shipped.
const sqliteMigrations: Record<string, Migration> = {
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

/**
 * PostgreSQL starts where SQLite stood after its sixth migration (the chunked outbox): one migration creates that
 * schema, with the same tables, columns and meanings (`bigint` for epoch milliseconds, identity columns for
 * sequences); from there on both engines take the same migrations.
 */
const postgresMigrations: Record<string, Migration> = {
  '2026-11-28-006-outbox-chunks': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('connectors')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('site_number', 'bigint', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('partner_number', 'bigint', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('secrets', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('paused_reason', 'text')
        .addColumn('paused_at', 'bigint')
        .execute();
      await db.schema.createIndex('connectors_by_site').on('connectors').columns(['site_number']).execute();
      await db.schema
        .createTable('bindings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id').onDelete('cascade'))
        .addColumn('site_number', 'bigint', (c) => c.notNull())
        .addColumn('source_type', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('source_number', 'bigint')
        .addColumn('source_label', 'text', (c) => c.notNull())
        .addColumn('source_name', 'text')
        .addColumn('profile_variables', 'text', (c) => c.notNull())
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('bindings_one_per_connector_and_source', ['connector_id', 'source_id'])
        .execute();
      await db.schema.createIndex('bindings_by_site_source').on('bindings').columns(['site_number', 'source_id']).execute();
      await db.schema
        .createTable('outbox_chunks')
        .addColumn('seq', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
        .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id').onDelete('cascade'))
        .addColumn('accepted_at', 'bigint', (c) => c.notNull())
        .addColumn('pending', 'integer', (c) => c.notNull())
        .addColumn('messages', 'text', (c) => c.notNull())
        .addColumn('state', 'text')
        .execute();
      await db.schema.createIndex('outbox_chunks_by_connector_seq').on('outbox_chunks').columns(['connector_id', 'seq']).execute();
      await db.schema
        .createTable('dead_letters')
        .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
        .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id').onDelete('cascade'))
        .addColumn('partition_key', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('accepted_at', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('failed_at', 'bigint', (c) => c.notNull())
        .addColumn('error_code', 'text', (c) => c.notNull())
        .addColumn('error_message', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text')
        .execute();
      await db.schema.createIndex('dead_letters_by_connector').on('dead_letters').columns(['connector_id', 'id']).execute();
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idempotency_keys_by_age').on('idempotency_keys').columns(['created_at']).execute();
    },
  },
};

/** Migrations both engines take, after their own history up to the chunked outbox. */
function sharedMigrations(engine: StoreEngine): Record<string, Migration> {
  return {
    '2026-12-02-007-partitions': {
      async up(db: Kysely<unknown>) {
        // Each chunk holds messages of one partition (a hash of connector and profile): what one instance owns.
        // SQLite has one partition, 0; its file serves one instance.
        await db.schema
          .alterTable('outbox_chunks')
          .addColumn('partition', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        if (engine !== 'postgres') return;
        // The cluster's fixed settings (the partition count), checked by every instance that starts.
        await db.schema
          .createTable('cluster_settings')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
        // Who owns which partition, until when (the database's clock), and the fencing epoch of that ownership.
        await db.schema
          .createTable('partition_leases')
          .addColumn('partition', 'integer', (c) => c.primaryKey())
          .addColumn('owner', 'text')
          .addColumn('epoch', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('expires_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`'-infinity'`))
          .execute();
        await db.schema
          .createTable('instances')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('started_at', 'timestamptz', (c) => c.notNull())
          .addColumn('heartbeat_at', 'timestamptz', (c) => c.notNull())
          .execute();
      },
    },
  };
}

export function migrationProvider(engine: StoreEngine): MigrationProvider {
  const own = engine === 'postgres' ? postgresMigrations : sqliteMigrations;
  return { getMigrations: () => Promise.resolve({ ...own, ...sharedMigrations(engine) }) };
}
