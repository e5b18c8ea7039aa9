import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { StoreEngine } from '../store-engine.js';
import { historyMigrations } from './history-migrations.js';
import { alertMigrations } from './alert-migrations.js';

// Append only: never edit a migration that has shipped.
/** Migrations both engines take, after their own history up to the chunked outbox. */
export function sharedMigrations(engine: StoreEngine): Record<string, Migration> {
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
    '2026-12-03-008-traffic-stats': {
      async up(db: Kysely<unknown>) {
        // Small daily rollups, not a row per message. No foreign key: a count written while its connector is being
        // deleted must not fail the intake or settlement it belongs to; the deletion removes the connector's rows
        // and the retention purge any straggler. One row per writer (the instance, on PostgreSQL; '' on SQLite): no
        // two instances ever wait on one row, so an instance frozen inside a transaction holds up no other.
        await db.schema
          .createTable('traffic_stats')
          .addColumn('connector_id', 'text', (c) => c.notNull())
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('metric', 'text', (c) => c.notNull())
          .addColumn('writer', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('count', engine === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('traffic_stats_key', ['connector_id', 'day', 'metric', 'writer'])
          .execute();
        await db.schema.createIndex('traffic_stats_by_day').on('traffic_stats').columns(['day']).execute();
      },
    },
    '2026-12-03-010-instance-keys': {
      async up(db: Kysely<unknown>) {
        if (engine !== 'postgres') return;
        // The ids (fingerprints) of the secrets keys each instance holds: a rotation must not re-seal every secret
        // under a key a running instance cannot open.
        await db.schema
          .alterTable('instances')
          .addColumn('key_ids', 'text', (c) => c.notNull().defaultTo(''))
          .execute();
      },
    },
    '2026-12-03-011-dead-letters-by-profile': {
      async up(db: Kysely<unknown>) {
        // GET /v1/deliveries?profileId=: a profile's dead letters by index, not by a scan of every tenant's.
        await db.schema.createIndex('dead_letters_by_profile').on('dead_letters').columns(['partition_key', 'id']).execute();
      },
    },
    '2026-12-03-012-dead-letters-by-age': {
      async up(db: Kysely<unknown>) {
        // The retention purge: the oldest first, by index.
        await db.schema.createIndex('dead_letters_by_age').on('dead_letters').columns(['failed_at']).execute();
      },
    },
    '2026-12-03-013-stored-sizes': {
      async up(db: Kysely<unknown>) {
        // A chunk's stored size, written once with it: the site backlog quota counts bytes without reading (or, on
        // SQLite, paging in the overflow pages of) the messages themselves. Nullable and not backfilled, so adding it
        // rewrites and locks nothing on a running cluster: readers take octet_length(messages) where it is null
        // (chunks stored before, or by an instance not upgraded yet).
        await db.schema
          .alterTable('outbox_chunks')
          .addColumn('bytes', engine === 'postgres' ? 'bigint' : 'integer')
          .execute();
        if (engine === 'postgres') {
          // Written by the instance that dead-letters (postgres-fencing.ts); null before, read as computed.
          await db.schema.alterTable('dead_letters').addColumn('bytes', 'integer').execute();
          return;
        }
        // SQLite: computed by the database (virtual: adding it rewrites nothing) and kept in an index with its
        // connector, so a site's dead-letter bytes are summed from the index without reading a body.
        await db.schema
          .alterTable('dead_letters')
          .addColumn('bytes', 'integer', (c) => c.generatedAlwaysAs(sql`octet_length(body) + octet_length(partition_key)`))
          .execute();
        await db.schema.createIndex('dead_letters_bytes_by_connector').on('dead_letters').columns(['connector_id', 'bytes']).execute();
      },
    },
    '2026-12-04-014-chunk-messages-apart': {
      async up(db: Kysely<unknown>) {
        if (engine !== 'sqlite') return;
        // SQLite rewrites a whole record, overflow pages included, when one column of it changes: a settlement that
        // marks one message of a 1,000-message chunk done rewrote ~300 KB (1.5 ms a commit, the hot-profile limit).
        // Messages move to a table of their own, written once; the chunk row keeps only what settlements change.
        // PostgreSQL keeps them in place: TOAST leaves an unchanged large value where it is.
        await sql`CREATE TABLE outbox_chunk_messages (
          seq INTEGER PRIMARY KEY REFERENCES outbox_chunks(seq) ON DELETE CASCADE,
          messages TEXT NOT NULL)`.execute(db);
        await sql`INSERT INTO outbox_chunk_messages (seq, messages) SELECT seq, messages FROM outbox_chunks`.execute(db);
        await sql`UPDATE outbox_chunks SET bytes = octet_length(messages) WHERE bytes IS NULL`.execute(db);
        await sql`ALTER TABLE outbox_chunks DROP COLUMN messages`.execute(db);
      },
    },
    '2026-12-04-015-delivery-policy': {
      async up(db: Kysely<unknown>) {
        // A tenant's delivery policy per connector (JSON); null: the host's values.
        await db.schema.alterTable('connectors').addColumn('delivery_policy', 'text').execute();
      },
    },
    ...historyMigrations(engine),
    ...alertMigrations(engine),
    '2026-12-03-009-tenant-identities': {
      async up(db: Kysely<unknown>) {
        // What the host issues each site (tenant), once: its external ID for roles of the site's cloud accounts.
        await db.schema
          .createTable('site_identities')
          .addColumn('site_number', 'integer', (c) => c.primaryKey())
          .addColumn('external_id', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        // Values one site only may configure (a role ARN), with the site that holds each.
        await db.schema
          .createTable('site_claims')
          .addColumn('connector_type', 'text', (c) => c.notNull())
          .addColumn('field', 'text', (c) => c.notNull())
          .addColumn('value_key', 'text', (c) => c.notNull())
          .addColumn('site_number', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('site_claims_key', ['connector_type', 'field', 'value_key'])
          .execute();
      },
    },
  };
}
