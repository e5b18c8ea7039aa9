import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { StoreEngine } from '../store-engine.js';

// Append only: never edit a migration that has shipped.
/** The message history's migrations, both engines (part of sharedMigrations). */
export function historyMigrations(engine: StoreEngine): Record<string, Migration> {
  return {
    '2026-12-05-016-message-history': {
      async up(db: Kysely<unknown>) {
        // SQLite takes no transaction around a migration here (see sqlite-dialect.ts): this one, which copies the
        // whole backlog's messages, is one of its own, so a crash or a full disk midway leaves the schema as it was.
        if (engine === 'sqlite') await sql`BEGIN IMMEDIATE`.execute(db);
        try {
          await messageHistory(db, engine);
          if (engine === 'sqlite') await sql`COMMIT`.execute(db);
        } catch (error) {
          if (engine === 'sqlite') await sql`ROLLBACK`.execute(db);
          throw error;
        }
      },
    },
    '2026-12-05-017-replays': {
      async up(db: Kysely<unknown>) {
        const big = engine === 'postgres' ? 'bigint' : 'integer';
        // A replay of a connector's history (POST /v1/connectors/:id/replays): its range and filters, how far it has
        // read the history (`next_seq`), what it requeued, and which instance runs it until when (a lease any
        // instance takes over once it lapses).
        await db.schema
          .createTable('replays')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id').onDelete('cascade'))
          .addColumn('from_at', big, (c) => c.notNull())
          .addColumn('to_at', big, (c) => c.notNull())
          .addColumn('outcomes', 'text')
          .addColumn('source_id', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('next_seq', big, (c) => c.notNull())
          .addColumn('total', big, (c) => c.notNull())
          .addColumn('requeued', big, (c) => c.notNull())
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('finished_at', big)
          .addColumn('owner', 'text')
          .addColumn('lease_until', big)
          .execute();
        // One running replay per connector, enforced by the store itself (two instances racing both asked).
        await sql`CREATE UNIQUE INDEX replays_one_running ON replays (connector_id) WHERE status = 'running'`.execute(db);
        // What a replay appended carries its id, into the history too: its delivered messages are counted from there.
        // Nullable, no default: adding it rewrites nothing.
        await db.schema.alterTable('outbox_chunks').addColumn('replay_id', 'text').execute();
        await db.schema.alterTable('message_history').addColumn('replay_id', 'text').execute();
        await sql`CREATE INDEX message_history_by_replay ON message_history (replay_id) WHERE replay_id IS NOT NULL`.execute(db);
        if (engine === 'postgres') {
          // No foreign keys into the history on PostgreSQL: a settlement's insert would take a lock on its connector's
          // row, and a deletion of that connector (which locks the row, then waits on the chunks the settlement holds)
          // would deadlock with it. The deletion removes the history itself (postgres-connectors.repository.ts).
          await sql`ALTER TABLE message_history DROP CONSTRAINT message_history_connector_id_fkey`.execute(db);
          await sql`ALTER TABLE message_attempts DROP CONSTRAINT message_attempts_connector_id_fkey`.execute(db);
        }
        // Where a read with `to` starts, and a replay's range, found by index instead of a walk of all that is newer.
        await db.schema
          .createIndex('message_history_by_acceptance')
          .on('message_history')
          .columns(['connector_id', 'accepted_at', 'seq'])
          .execute();
      },
    },
    '2026-12-05-018-chunk-trace': {
      async up(db: Kysely<unknown>) {
        // The traceparent of the commit that wrote a chunk, with OpenTelemetry on: delivery's spans link to it.
        // Nullable, no default: adding it rewrites nothing; null while tracing is off.
        await db.schema.alterTable('outbox_chunks').addColumn('trace', 'text').execute();
      },
    },
    '2026-12-08-022-replays-by-finish': {
      async up(db: Kysely<unknown>) {
        // Finished replays, oldest first, for the retention job (history-retention.ts): never a walk of the running.
        await sql`CREATE INDEX replays_finished ON replays (finished_at) WHERE status <> 'running'`.execute(db);
      },
    },
    '2026-12-07-021-replays-by-connector': {
      async up(db: Kysely<unknown>) {
        // A connector's recent replays (GET /v1/connectors/:id/replays), newest first, without a walk of every replay.
        await db.schema.createIndex('replays_by_connector').on('replays').columns(['connector_id', 'created_at']).execute();
      },
    },
    '2026-12-07-020-dead-letter-message-ids': {
      async up(db: Kysely<unknown>) {
        // The id a dead letter's message had (a webhook's webhook-id): its replay sends it again with that id, so
        // a receiver drops what it already has. Null for the dead letters of before (they get a new id).
        await db.schema
          .alterTable('dead_letters')
          .addColumn('message_id', engine === 'postgres' ? 'bigint' : 'integer')
          .execute();
      },
    },
  };
}

/** Migration 016: the message history's tables (see store/history/), and SQLite's messages kept apart for it. */
async function messageHistory(db: Kysely<unknown>, engine: StoreEngine): Promise<void> {
  const big = engine === 'postgres' ? 'bigint' : 'integer';
  // A chunk whose last message settled moves here (one row written once per chunk, not per message), kept
  // MESSAGE_HISTORY_DAYS and purged a batch of the oldest at a time: nothing here is ever updated. `dead`: the
  // indexes dead-lettered, with why (JSON), null when all were delivered; `attempts`: those of the settlement
  // that moved it (the others are rows of message_attempts). PostgreSQL moves the messages with the row; SQLite
  // leaves them where intake wrote them (outbox_chunk_messages, no longer deleted with the chunk row): a copy
  // of them cost more than the rest of the history, and a history row that holds them fills pages badly.
  let history = db.schema
    .createTable('message_history')
    .addColumn('seq', big, (c) => c.primaryKey())
    .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id').onDelete('cascade'))
    .addColumn('partition', 'integer', (c) => c.notNull())
    .addColumn('accepted_at', big, (c) => c.notNull())
    .addColumn('settled_at', big, (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('bytes', big, (c) => c.notNull())
    .addColumn('dead', 'text')
    .addColumn('attempts', 'text');
  if (engine === 'postgres') history = history.addColumn('messages', 'text', (c) => c.notNull());
  await history.execute();
  if (engine === 'sqlite') {
    // Without its foreign key to the chunk row, the messages go with the last row that holds their chunk: the
    // chunk row, unless the history took the chunk first (a settlement inserts the history row, then deletes
    // the chunk row), or the history row (its purge, or its connector's deletion).
    await sql`CREATE TABLE chunk_messages (seq INTEGER PRIMARY KEY, messages TEXT NOT NULL)`.execute(db);
    await sql`INSERT INTO chunk_messages (seq, messages) SELECT seq, messages FROM outbox_chunk_messages`.execute(db);
    await sql`DROP TABLE outbox_chunk_messages`.execute(db);
    await sql`ALTER TABLE chunk_messages RENAME TO outbox_chunk_messages`.execute(db);
    await sql`CREATE TRIGGER chunk_messages_with_chunk AFTER DELETE ON outbox_chunks
        WHEN NOT EXISTS (SELECT 1 FROM message_history WHERE seq = OLD.seq)
        BEGIN DELETE FROM outbox_chunk_messages WHERE seq = OLD.seq; END`.execute(db);
    await sql`CREATE TRIGGER chunk_messages_with_history AFTER DELETE ON message_history
        BEGIN DELETE FROM outbox_chunk_messages WHERE seq = OLD.seq; END`.execute(db);
  }
  await db.schema.createIndex('message_history_by_connector').on('message_history').columns(['connector_id', 'seq']).execute();
  // What each delivery call did to the messages of one chunk (store/history/chunk-attempts.ts), appended in
  // the settlement's transaction; read by chunk, purged oldest first by id.
  await db.schema
    .createTable('message_attempts')
    .addColumn('id', engine === 'postgres' ? 'bigserial' : 'integer', (c) =>
      engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id').onDelete('cascade'))
    .addColumn('chunk_seq', big, (c) => c.notNull())
    .addColumn('at', big, (c) => c.notNull())
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('entries', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('message_attempts_by_chunk').on('message_attempts').columns(['connector_id', 'chunk_seq']).execute();
}
