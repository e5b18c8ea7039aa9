import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sampleMessage } from './message-fixture.js';

// What the message history costs the store, on the host's own SQLite outbox (the production build, in this process):
// the same rounds (a commit of `connectors` x `perConnector` messages, then their settlement with Kinesis-like
// receipts) run on two stores, one keeping the history and one not, alternating round by round so both see the same
// machine. Then what the history holds per message, measured by SQLite itself (dbstat: the pages of its tables, their
// indexes and the messages it keeps, less what the store without it holds of them), beside the message's own size
// (body and key).
// Prints { usPerMessageWithout, usPerMessageWith, historyUsPerMessage, historyBytesPerMessage, messageBytes }.

const [connectors, perConnector, rounds] = process.argv.slice(2).map(Number);

// The few members of the host's store this bench drives (the build is loaded at run time, so typed here by hand).
type Database = {
  migrate(): Promise<void>;
  sqlite: {
    prepare(sql: string): { run(...values: unknown[]): unknown; get(...values: unknown[]): unknown };
  };
  onApplicationShutdown(): Promise<void>;
};
type Outbox = {
  commitGroup(groups: unknown[]): Promise<{ appended: { seq: number; connectorId: string; messages: unknown[] }[] }>;
  committed(appended: unknown): void;
  settleAll(items: { connectorId: string; settlement: unknown }[]): Promise<unknown>;
};
type Store = { database: Database; deadLetters(): unknown; outbox(parts: unknown): Outbox };
type StoreClass = new (config: { databasePath: string }) => Store;

// What a store keeps that the history adds: its two tables with their indexes, and the chunks' messages, which
// SQLite keeps for the history where intake wrote them (a store without history deletes them as chunks settle).
const HISTORY_TABLES = [
  'message_history',
  'message_history_by_connector',
  'message_attempts',
  'message_attempts_by_chunk',
  'outbox_chunk_messages',
];

function pagesOf(database: Database): number {
  const placeholders = HISTORY_TABLES.map(() => '?').join(', ');
  const query = `SELECT coalesce(sum(pgsize), 0) AS bytes FROM dbstat WHERE name IN (${placeholders})`;
  return (database.sqlite.prepare(query).get(...HISTORY_TABLES) as { bytes: number }).bytes;
}

async function open(SqliteStore: StoreClass, dir: string, days: number, ids: string[]) {
  const store = new SqliteStore({ databasePath: join(dir, `history-${days}.db`) });
  await store.database.migrate();
  const insert = store.database.sqlite.prepare(
    `INSERT INTO connectors (id, type, site_number, name, partner_number, settings, secrets, enabled, created_at, updated_at)
     VALUES (?, 'kinesis', 1, 'c', 1, '{}', '{}', 1, 0, 0)`,
  );
  for (const id of ids) insert.run(id);
  const outbox = store.outbox({ deadLetters: store.deadLetters(), config: { limits: { messageHistoryMs: days * 86_400_000 } } });
  return { store, outbox, ms: 0 };
}

async function main(): Promise<void> {
  const { SqliteStore } = (await import(resolve('dist/apps/connector-host', 'store/sqlite/sqlite-store.js'))) as {
    SqliteStore: StoreClass;
  };
  const dir = mkdtempSync(join(tmpdir(), 'bench-history-'));
  const ids = Array.from({ length: connectors }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);
  const without = await open(SqliteStore, dir, 0, ids);
  const withHistory = await open(SqliteStore, dir, 7, ids);

  let messages = 0;
  let messageBytes = 0;
  // The first rounds warm the JIT and the page cache up and are not counted.
  const WARM_UP = 5;
  for (let round = 0; round < rounds + WARM_UP; round++) {
    const counted = round >= WARM_UP;
    const batch = ids.flatMap((connectorId) =>
      Array.from({ length: perConnector }, (_, i) => {
        const partitionKey = `p${round}-${i}`;
        return { connectorId, partitionKey, sourceId: 'dc0beb89-2d63-4ec7-899a-6e986ed8932f', body: sampleMessage(partitionKey) };
      }),
    );
    // Alternating which goes first, so neither always runs on a cache the other warmed.
    const order = round % 2 === 0 ? [without, withHistory] : [withHistory, without];
    for (const side of order) {
      const started = performance.now();
      const { appended } = await side.outbox.commitGroup([{ messages: batch, acceptedAt: Date.now() }]);
      side.outbox.committed(appended);
      const byConnector = new Map<string, number[]>();
      for (const chunk of appended) {
        const seqs = chunk.messages.map((_, i) => chunk.seq * 4096 + i);
        byConnector.set(chunk.connectorId, [...(byConnector.get(chunk.connectorId) ?? []), ...seqs]);
      }
      const at = Date.now();
      await side.outbox.settleAll(
        [...byConnector].map(([connectorId, delivered]) => ({
          connectorId,
          settlement: {
            delivered,
            retry: [],
            dead: [],
            round: {
              at,
              latencyMs: 12,
              receipts: new Map(
                delivered.map((seq) => [seq, { shardId: 'shardId-000000000003', sequenceNumber: `4963${seq}`.padEnd(56, '7') }]),
              ),
            },
          },
        })),
      );
      if (counted) side.ms += performance.now() - started;
    }
    if (counted) {
      messages += batch.length;
      for (const message of batch) messageBytes += Buffer.byteLength(message.body) + Buffer.byteLength(message.partitionKey);
    }
  }
  const bytes = pagesOf(withHistory.store.database) - pagesOf(without.store.database);
  const stored = messages + WARM_UP * ids.length * perConnector;
  await without.store.database.onApplicationShutdown();
  await withHistory.store.database.onApplicationShutdown();
  rmSync(dir, { recursive: true, force: true });
  const us = (ms: number) => Math.round((ms * 1000 * 100) / messages) / 100;
  console.log(
    JSON.stringify({
      connectors,
      perConnector,
      messages,
      usPerMessageWithout: us(without.ms),
      usPerMessageWith: us(withHistory.ms),
      historyUsPerMessage: us(withHistory.ms - without.ms),
      historyBytesPerMessage: Math.round(bytes / stored),
      messageBytes: Math.round(messageBytes / messages),
    }),
  );
}

void main();
