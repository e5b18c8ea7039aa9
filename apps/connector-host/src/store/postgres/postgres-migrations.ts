import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// Append only: never edit a migration that has shipped.
/**
 * PostgreSQL starts where SQLite stood after its sixth migration (the chunked outbox): one migration creates that
 * schema, with the same tables, columns and meanings (`bigint` for epoch milliseconds, identity columns for
 * sequences); from there on both engines take the same migrations.
 */
export const postgresMigrations: Record<string, Migration> = {
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
