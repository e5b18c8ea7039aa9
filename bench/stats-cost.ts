import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sampleMessage } from './message-fixture.js';

// What the traffic statistics cost a settlement, on the host's own SQLite outbox (the production build, in this
// process): settlements of `connectors` x `perConnector` delivered messages (a tenth REMOVED) are timed whole, and
// the statistics' part of them (reading each call type, tallying, the upserts) is timed alone on the same rounds,
// and so is intake's part (the largest message per connector, kept at commit).
// Prints { settleUsPerMessage, statsUsPerMessage, statsShare, intakeStatsUsPerMessage }.

const [connectors, perConnector, rounds] = process.argv.slice(2).map(Number);
const dist = (path: string) => import(resolve('dist/apps/connector-host', path)) as Promise<Record<string, Constructor>>;

// The few members of the host's store this bench drives (the build is loaded at run time, so typed here by hand).
type Constructor = new (...args: unknown[]) => never;
type Database = {
  migrate(): Promise<void>;
  sqlite: { prepare(sql: string): { run(...values: unknown[]): unknown } };
  withoutFsync<T>(work: () => T): T;
  transaction<T>(work: () => T): T;
  onApplicationShutdown(): Promise<void>;
};
type Pending = { seq: number; body: string };
type Outbox = {
  commitGroup(groups: unknown[]): Promise<{ appended: unknown }>;
  committed(appended: unknown): void;
  head(connectorId: string, limit: number, partitions: number): Promise<Iterable<Pending>>;
  settleAll(items: { connectorId: string; settlement: unknown }[]): Promise<void>;
};
type Store = { database: Database; deadLetters(): unknown; outbox(parts: { deadLetters: unknown }): Outbox };
type Tally = { add(connectorId: string, metric: string, at: number, count: number): void };
type Traffic = { addAll(tally: Tally): void };

async function main(): Promise<void> {
  const { SqliteStore } = await dist('store/sqlite/sqlite-store.js');
  const { SqliteTrafficTally } = await dist('store/sqlite/sqlite-traffic-tally.js');
  const { TrafficTally } = await dist('store/traffic/traffic-tally.js');
  const { intakeTally } = (await import(resolve('dist/apps/connector-host', 'store/traffic/intake-tally.js'))) as {
    intakeTally: (requests: unknown[]) => unknown;
  };
  const { callTypeOf } = await import('@event-connectors/connector-sdk');

  const dir = mkdtempSync(join(tmpdir(), 'bench-stats-'));
  const store: Store = new SqliteStore({ databasePath: join(dir, 'host.db') });
  const { database } = store;
  await database.migrate();
  const traffic: Traffic = new SqliteTrafficTally(database);
  const outbox = store.outbox({ deadLetters: store.deadLetters() });
  const ids = Array.from({ length: connectors }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);
  const insert = database.sqlite.prepare(
    `INSERT INTO connectors (id, type, site_number, name, partner_number, settings, secrets, enabled, created_at, updated_at)
     VALUES (?, 'kinesis', 1, 'c', 1, '{}', '{}', 1, 0, 0)`,
  );
  for (const id of ids) insert.run(id);

  let settleMs = 0;
  let statsMs = 0;
  let intakeStatsMs = 0;
  let messages = 0;
  // The first rounds warm the JIT and the page cache up and are not counted.
  const WARM_UP = 5;
  for (let round = 0; round < rounds + WARM_UP; round++) {
    const counted = round >= WARM_UP;
    const batch = ids.flatMap((connectorId) =>
      Array.from({ length: perConnector }, (_, i) => {
        const body = sampleMessage(`p${round}-${i}`);
        return {
          connectorId,
          partitionKey: `p${round}-${i}`,
          sourceId: null,
          body: i % 10 === 0 ? body.replace('"NEW"', '"REMOVED"') : body,
        };
      }),
    );
    // Intake's part (the largest message per connector; its skips are none here), timed alone.
    const intakeStart = performance.now();
    intakeTally([{ messages: batch, acceptedAt: Date.now() }]);
    if (counted) intakeStatsMs += performance.now() - intakeStart;
    const { appended } = await outbox.commitGroup([{ messages: batch, acceptedAt: Date.now() }]);
    outbox.committed(appended);
    const items: { connectorId: string; pending: { seq: number; body: string }[]; settlement: unknown }[] = [];
    for (const connectorId of ids) {
      const pending = [...(await outbox.head(connectorId, perConnector, 1))];
      const removed = pending.filter((message) => callTypeOf(message.body) === 'REMOVED').map((message) => message.seq);
      items.push({ connectorId, pending, settlement: { delivered: pending.map((message) => message.seq), removed, retry: [], dead: [] } });
    }
    // The statistics' part alone: call types read, the tally, the upserts, inside a transaction as in a settlement
    // (whose commit they share: its commit is not theirs, so it is left out of their time).
    database.withoutFsync(() =>
      database.transaction(() => {
        const statsStart = performance.now();
        const tally: Tally = new TrafficTally();
        const now = Date.now();
        for (const { connectorId, pending } of items) {
          let removed = 0;
          for (const message of pending) if (callTypeOf(message.body) === 'REMOVED') removed++;
          tally.add(connectorId, 'delivered', now, pending.length);
          tally.add(connectorId, 'delivered_removed', now, removed);
        }
        traffic.addAll(tally);
        if (counted) statsMs += performance.now() - statsStart;
      }),
    );
    // The whole settlement, statistics included.
    const settleStart = performance.now();
    await outbox.settleAll(items.map(({ connectorId, settlement }) => ({ connectorId, settlement })));
    if (counted) {
      settleMs += performance.now() - settleStart;
      messages += batch.length;
    }
  }
  await database.onApplicationShutdown();
  rmSync(dir, { recursive: true, force: true });
  const us = (ms: number) => Math.round((ms * 1000 * 100) / messages) / 100;
  console.log(
    JSON.stringify({
      connectors,
      perConnector,
      messages,
      settleUsPerMessage: us(settleMs),
      statsUsPerMessage: us(statsMs),
      statsShare: Math.round((statsMs / settleMs) * 1000) / 1000,
      intakeStatsUsPerMessage: us(intakeStatsMs),
    }),
  );
}

void main();
