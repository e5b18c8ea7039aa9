import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeOnPostgres, freshDatabaseUrl, STORE_ENGINES } from '../../../../../test/support/postgres.js';
import type { HostConfig } from '../../config/host.config.js';
import type { DatabaseService } from '../database.service.js';
import { migrationProvider } from '../migrations/migrate-to-latest.js';
import { PostgresDatabase } from '../postgres/postgres-database.js';
import { postgresMigrations } from '../postgres/postgres-migrations.js';
import { SqliteDatabase } from '../sqlite/sqlite-database.js';
import { SqliteDeadLettersRepository } from '../sqlite/sqlite-dead-letters.repository.js';
import { SqliteIdempotencyKeys } from '../sqlite/sqlite-idempotency-keys.js';
import { sqliteMigrations } from '../sqlite/sqlite-migrations.js';
import { CHUNK_MAX_MESSAGES } from './outbox-chunk.js';
import type { NewMessage, OutboxStore, SettlementItem } from './outbox-store.js';
import type { Settlement } from './settlement.js';
import { SqliteOutbox } from '../sqlite/sqlite-outbox.js';
import { firstOfEachProfile } from '../../delivery/select-batch.js';

beforeAll(() => Logger.overrideLogger(false));

import { A, B, ME, StoreUnderTest } from '../../../../../test/support/store-under-test.js';

const message = (connectorId: string, key: string): NewMessage => ({
  connectorId,
  partitionKey: key,
  sourceId: 'src',
  body: JSON.stringify({ profileId: key }),
});

describe.each(STORE_ENGINES)('the outbox on %s: commits, pages, settlements, expiry, search and replay', (engine) => {
  let store: StoreUnderTest;
  let outbox: OutboxStore;
  let database: DatabaseService;

  const open = async () => {
    await store.open();
    ({ outbox, database } = store);
  };
  const close = () => store.close();
  const accept = async (messages: NewMessage[], at = 1000) => {
    const { appended } = await outbox.commitGroup([{ messages, acceptedAt: at }]);
    outbox.committed(appended);
    return appended;
  };
  const page = async (connectorId: string, afterSeq: number, limit: number, skipKey?: (key: string) => boolean) =>
    [...(await outbox.head(connectorId, 10_000, 1, skipKey))].filter((m) => m.seq > afterSeq).slice(0, limit);
  const keys = async (connectorId: string) => (await page(connectorId, 0, 10_000)).map((m) => m.partition_key);
  const settle = async (connectorId: string, settlement: Settlement) => (await outbox.settleAll(fenced([{ connectorId, settlement }])))[0];
  const fenced = (items: Omit<SettlementItem, 'fence'>[]) => store.fenced(items);
  const count = async (table: 'outbox_chunks' | 'dead_letters') =>
    Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(database.db)).rows[0].n);
  const chunkCount = () => count('outbox_chunks');
  const deadLetterCount = () => count('dead_letters');
  const deadLetters = async (columns: string) =>
    (await sql.raw(`SELECT ${columns} FROM dead_letters ORDER BY id`).execute(database.db)).rows;

  beforeEach(async () => {
    store = await StoreUnderTest.create(engine);
    ({ outbox, database } = store);
  });

  afterEach(async () => {
    await store.remove();
  });

  it('answers a commit with the chunks it wrote, counted once committed', async () => {
    const appended = await accept([message(A, 'a1'), message(B, 'b1'), message(A, 'a2')]);
    expect(appended.map((chunk) => [chunk.connectorId, chunk.messages.length])).toEqual([
      [A, 2],
      [B, 1],
    ]);
    expect([outbox.pendingCount(A), outbox.pendingCount(B)]).toEqual([2, 1]);
    expect(outbox.deliverableCount(A)).toBe(2);
  });

  it('serves exactly what the store holds: a fresh store reading it sees the same messages', async () => {
    await accept([message(A, 'a1'), { connectorId: A, partitionKey: 'a2', sourceId: null, body: '{"x":"\u2028\\n"}' }]);
    const fromMemory = await page(A, 0, 10);
    await close();
    await open();
    expect(await page(A, 0, 10)).toEqual(fromMemory);
  });

  it('keeps each connector its own messages, in acceptance order across requests', async () => {
    await accept([message(A, 'a1'), message(B, 'b1'), message(A, 'a2')]);
    await accept([message(A, 'a3')]);
    expect(await keys(A)).toEqual(['a1', 'a2', 'a3']);
    expect(await keys(B)).toEqual(['b1']);
    expect([outbox.pendingCount(A), outbox.pendingCount(B)]).toEqual([3, 1]);
    const seqs = (await page(A, 0, 10)).map((m) => m.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    // Paging after a seq continues where the last page ended, also inside a chunk.
    expect((await page(A, seqs[0], 10)).map((m) => m.partition_key)).toEqual(['a2', 'a3']);
    expect((await page(A, 0, 2)).map((m) => m.partition_key)).toEqual(['a1', 'a2']);
  });

  it('splits a request bigger than a chunk and keeps its order', async () => {
    const many = Array.from({ length: CHUNK_MAX_MESSAGES + 5 }, (_, i) => message(A, `k${i}`));
    await accept(many);
    expect(await chunkCount()).toBe(2);
    expect(await keys(A)).toEqual(many.map((m) => m.partitionKey));
  });

  it('removes delivered messages, and the chunk with its last one', async () => {
    await accept([message(A, 'a1'), message(A, 'a2'), message(A, 'a3')]);
    const [a1, a2, a3] = await page(A, 0, 10);
    await settle(A, { delivered: [a2.seq], retry: [], dead: [] });
    expect(await keys(A)).toEqual(['a1', 'a3']);
    expect(outbox.pendingCount(A)).toBe(2);
    await settle(A, { delivered: [a1.seq, a3.seq], retry: [], dead: [] });
    expect(await keys(A)).toEqual([]);
    expect(outbox.pendingCount(A)).toBe(0);
    expect(await chunkCount()).toBe(0);
  });

  it("counts a backlog's stored bytes: each chunk's UTF-8 size, until its last message settles, and after a restart", async () => {
    const stored = async (connectorId: string) =>
      Number(
        (
          await sql<{
            n: number | null;
          }>`SELECT sum(octet_length(messages)) AS n FROM ${sql.raw(engine === 'sqlite' ? 'outbox_chunk_messages JOIN outbox_chunks USING (seq)' : 'outbox_chunks')}
             WHERE connector_id = ${connectorId}`.execute(database.db)
        ).rows[0].n ?? 0,
      );
    await accept([message(A, 'a1'), { connectorId: A, partitionKey: 'a2', sourceId: null, body: '{"name":"Zoë ☃ \u{1F600}"}' }]);
    await accept([message(A, 'a3'), message(B, 'b1')]);
    const [first, second] = [await stored(A), await stored(B)];
    expect(first).toBeGreaterThan(0);
    expect([outbox.pendingBytes(A), outbox.pendingBytes(B)]).toEqual([first, second]);
    const [a1, a2, a3] = await page(A, 0, 10);
    // One message of the first chunk settled: the chunk is still stored whole, and counted so.
    await settle(A, { delivered: [a1.seq], retry: [], dead: [] });
    expect(outbox.pendingBytes(A)).toBe(first);
    await close();
    await open();
    expect([outbox.pendingBytes(A), outbox.pendingBytes(B)]).toEqual([first, second]);
    // Its last one settled (to the dead letters): the chunk leaves the store and the count.
    await settle(A, { delivered: [], retry: [], dead: [{ seq: a2.seq, code: 'X', message: 'y' }] });
    expect(outbox.pendingBytes(A)).toBe(await stored(A));
    expect(outbox.pendingBytes(A)).toBeLessThan(first);
    await settle(A, { delivered: [a3.seq], retry: [], dead: [] });
    expect(outbox.pendingBytes(A)).toBe(0);
    await outbox.replay(A);
    expect(outbox.pendingBytes(A)).toBe(await stored(A));
    expect(await outbox.expire(A, Date.now() + 1)).toBe(1);
    expect(outbox.pendingBytes(A)).toBe(0);
  });

  it('settles many rounds in one transaction; two rounds on the same chunk compose, each counted once', async () => {
    await accept([message(A, 'a1'), message(A, 'a2'), message(A, 'a3')]);
    await accept([message(B, 'b1')]);
    const [a1, a2, a3] = await page(A, 0, 10);
    const [b1] = await page(B, 0, 10);
    const settled = await outbox.settleAll(
      fenced([
        { connectorId: A, settlement: { delivered: [a1.seq], retry: [], dead: [] } },
        { connectorId: A, settlement: { delivered: [a2.seq], retry: [], dead: [{ seq: a3.seq, code: 'RecordTooLarge', message: 'big' }] } },
        { connectorId: B, settlement: { delivered: [b1.seq], retry: [], dead: [] } },
        // A repeat of a round already settled changes nothing and counts nothing.
        { connectorId: A, settlement: { delivered: [a1.seq], retry: [], dead: [] } },
      ]),
    );
    expect(settled).toEqual([1, 2, 1, 0]);
    expect(await keys(A)).toEqual([]);
    expect(await keys(B)).toEqual([]);
    expect(outbox.pendingCount(A)).toBe(0);
    expect(outbox.pendingCount(B)).toBe(0);
    expect(await chunkCount()).toBe(0);
    expect(await deadLetterCount()).toBe(1);
  });

  it('leaves the messages of profiles in flight out of a page, and their successors with them', async () => {
    await accept([message(A, 'a1'), message(A, 'a2'), message(A, 'a1'), message(A, 'a3')]);
    expect((await page(A, 0, 10, (key) => key === 'a1')).map((m) => m.partition_key)).toEqual(['a2', 'a3']);
  });

  it('counts attempts of retried messages and shows their last error; a retry keeps its place in the order', async () => {
    await accept([message(A, 'a1'), message(A, 'a2')]);
    const [a1] = await page(A, 0, 10);
    await settle(A, {
      delivered: [],
      retry: [{ seq: a1.seq, nextAttemptAt: 5000, code: 'InternalFailure', message: 'try again' }],
      dead: [],
    });
    await settle(A, {
      delivered: [],
      retry: [{ seq: a1.seq, nextAttemptAt: 9000, code: 'ProvisionedThroughputExceededException', message: 'slow down' }],
      dead: [],
    });
    const [first, second] = await page(A, 0, 10);
    expect(first).toMatchObject({ partition_key: 'a1', attempts: 2, next_attempt_at: 9000 });
    expect(second).toMatchObject({ partition_key: 'a2', attempts: 0, next_attempt_at: 0 });
    const {
      items: [shown],
      complete,
    } = await outbox.find({ profileId: 'a1' }, 10);
    expect(complete).toBe(true);
    expect(shown).toMatchObject({
      connector_id: A,
      attempts: 2,
      last_error_code: 'ProvisionedThroughputExceededException',
      last_error_message: 'slow down',
    });
    expect(outbox.pendingCount(A)).toBe(2);
  });

  it('moves rejected messages to the dead letters with their body and attempts', async () => {
    await accept([message(A, 'a1'), message(A, 'a2')]);
    const [a1] = await page(A, 0, 10);
    await settle(A, {
      delivered: [],
      retry: [{ seq: a1.seq, nextAttemptAt: 1, code: 'InternalFailure', message: 'x' }],
      dead: [],
    });
    await settle(A, { delivered: [], retry: [], dead: [{ seq: a1.seq, code: 'ValidationException', message: 'too big' }] });
    expect(await keys(A)).toEqual(['a2']);
    const dead = await deadLetters('partition_key, body, attempts, error_code, source_id');
    expect(dead).toEqual([
      { partition_key: 'a1', body: JSON.stringify({ profileId: 'a1' }), attempts: 2, error_code: 'ValidationException', source_id: 'src' },
    ]);
    expect(outbox.pendingCount(A)).toBe(1);
  });

  it('dead-letters what outlived its maximum age, with its last error, and leaves the rest', async () => {
    await accept([message(A, 'old1'), message(A, 'old2')], 1000);
    await accept([message(A, 'new')], 5000);
    const [old1] = await page(A, 0, 10);
    await settle(A, {
      delivered: [],
      retry: [{ seq: old1.seq, nextAttemptAt: 1, code: 'InternalFailure', message: 'down' }],
      dead: [],
    });
    expect(await outbox.expire(A, 2000)).toBe(2);
    expect(await keys(A)).toEqual(['new']);
    const dead = await deadLetters('partition_key, error_code, error_message, attempts');
    expect(dead).toEqual([
      {
        partition_key: 'old1',
        error_code: 'MaxAgeExceeded',
        error_message: 'undelivered past the maximum age; last error InternalFailure: down',
        attempts: 1,
      },
      {
        partition_key: 'old2',
        error_code: 'MaxAgeExceeded',
        error_message: 'undelivered past the maximum age; last error none',
        attempts: 0,
      },
    ]);
    expect(outbox.pendingCount(A)).toBe(1);
  });

  it('expires whole chunks, a bounded number of messages per call', async () => {
    for (const n of [1, 2, 3]) await accept([message(A, `c${n}a`), message(A, `c${n}b`)], 1000);
    expect(await outbox.expire(A, 2000, 3)).toBe(4);
    expect(await keys(A)).toEqual(['c3a', 'c3b']);
    expect(await outbox.expire(A, 2000, 3)).toBe(2);
    expect(outbox.pendingCount(A)).toBe(0);
  });

  it('replays dead letters as newly accepted messages, in their original order', async () => {
    await accept([message(A, 'a1'), message(A, 'a2'), message(A, 'a3')]);
    const pending = await page(A, 0, 10);
    await settle(A, { delivered: [], retry: [], dead: pending.map((m) => ({ seq: m.seq, code: 'X', message: 'y' })) });
    await accept([message(A, 'later')]);
    const replayed = await outbox.replay(A);
    expect(replayed).toBe(3);
    expect(await keys(A)).toEqual(['later', 'a1', 'a2', 'a3']);
    expect(outbox.pendingCount(A)).toBe(4);
  });

  it('survives a restart: backlog sizes and retry states come back from the store', async () => {
    await accept([message(A, 'a1'), message(A, 'a2'), message(B, 'b1')]);
    const [a1, a2] = await page(A, 0, 10);
    await settle(A, {
      delivered: [a2.seq],
      retry: [{ seq: a1.seq, nextAttemptAt: 7000, code: 'InternalFailure', message: 'x' }],
      dead: [],
    });
    await close();
    await open();
    expect([outbox.pendingCount(A), outbox.pendingCount(B)]).toEqual([1, 1]);
    expect(await page(A, 0, 10)).toEqual([expect.objectContaining({ partition_key: 'a1', attempts: 1, next_attempt_at: 7000 })]);
  });

  it('counts a message settled twice once: the backlog size follows what the store holds', async () => {
    await accept([message(A, 'a1'), message(A, 'a2')]);
    const [a1] = await page(A, 0, 10);
    await settle(A, { delivered: [a1.seq], retry: [], dead: [] });
    await settle(A, { delivered: [a1.seq], retry: [], dead: [{ seq: a1.seq, code: 'X', message: 'y' }] });
    expect(outbox.pendingCount(A)).toBe(1);
    expect(await keys(A)).toEqual(['a2']);
  });

  it('loses nothing when a connector is deleted mid-settlement: its chunks go with it', async () => {
    await accept([message(A, 'a1'), message(B, 'b1')]);
    const [a1] = await page(A, 0, 10);
    await sql`DELETE FROM connectors WHERE id = ${A}`.execute(database.db);
    await settle(A, { delivered: [a1.seq], retry: [], dead: [] });
    expect(await keys(A)).toEqual([]);
    expect(await keys(B)).toEqual(['b1']);
  });
});

describe('the outbox on SQLite only', () => {
  let store: StoreUnderTest;
  let outbox: SqliteOutbox;
  beforeEach(async () => {
    store = await StoreUnderTest.create('sqlite');
    outbox = store.outbox as SqliteOutbox;
  });
  afterEach(async () => {
    await store.remove();
  });

  it('serves a committed chunk from memory: the delivery loop does not read it back', async () => {
    const { appended } = await outbox.commitGroup([{ messages: [message(A, 'a1'), message(A, 'a2')], acceptedAt: 1000 }]);
    outbox.committed(appended);
    // Blank the stored copy: only the in-memory one can still answer.
    store.sqlite.sqlite.prepare("UPDATE outbox_chunk_messages SET messages = '[]' WHERE seq = ?").run(appended[0].seq);
    expect(outbox.page(A, 0, 10).map((m) => [m.partition_key, m.source_id, m.body])).toEqual([
      ['a1', 'src', JSON.stringify({ profileId: 'a1' })],
      ['a2', 'src', JSON.stringify({ profileId: 'a2' })],
    ]);
  });

  it('keeps decoded the whole walk of a head read past busy profiles, so the next round reads nothing back', async () => {
    outbox.keepsCommittedChunks = false;
    // 30,000 messages of 60 profiles in 60 chunks: a read that skips all but each profile's first walks them all.
    for (let chunk = 0; chunk < 60; chunk++) {
      const messages = Array.from({ length: 500 }, (_, i) => message(A, `p${(chunk * 500 + i) % 60}`));
      const { appended } = await outbox.commitGroup([{ messages, acceptedAt: 1000 }]);
      outbox.committed(appended);
    }
    const read = async () => [...(await outbox.head(A, 500, 8, firstOfEachProfile(new Set(['p0']))))].map((m) => m.seq);
    const first = await read();
    expect(first).toHaveLength(59);
    // Blank every stored copy: only what the first read kept decoded can answer the second.
    store.sqlite.sqlite.prepare("UPDATE outbox_chunk_messages SET messages = '[]'").run();
    expect(await read()).toEqual(first);
  });
});

describeOnPostgres('the outbox on PostgreSQL, several partitions held through leases', () => {
  let store: StoreUnderTest;
  beforeEach(async () => {
    store = await StoreUnderTest.create('postgres', 8);
  });
  afterEach(async () => {
    await store.remove();
  });

  const profiles = Array.from({ length: 40 }, (_, i) => `p${i}`);
  const acceptTwice = async () => {
    // Each profile twice, in order: a chunk per connector and partition, each profile's two in order.
    const messages = profiles.flatMap((key) => [message(A, key), message(A, key)]).map((m, i) => ({ ...m, body: `{"n":${i}}` }));
    const { appended } = await store.outbox.commitGroup([{ messages, acceptedAt: 1000 }]);
    store.outbox.committed(appended);
    return appended;
  };

  it('chunks a request by partition, and keeps each profile in order', async () => {
    const appended = await acceptTwice();
    expect(new Set(appended.map((chunk) => chunk.partition)).size).toBeGreaterThan(4);
    const head = [...(await store.outbox.head(A, 1000, 1))];
    expect(head).toHaveLength(80);
    for (const key of profiles) {
      const bodies = head.filter((m) => m.partition_key === key).map((m) => JSON.parse(m.body).n as number);
      expect(bodies[0]).toBeLessThan(bodies[1]);
    }
  });

  it('answers a commit with each chunk under the seq the store gave it', async () => {
    const appended = await acceptTwice();
    for (const chunk of appended) {
      const { rows } = await sql<{ partition: number; messages: string }>`
        SELECT partition, messages FROM outbox_chunks WHERE seq = ${chunk.seq}`.execute(store.database.db);
      expect(rows[0]).toEqual({ partition: chunk.partition, messages: JSON.stringify(chunk.messages) });
    }
  });

  it('reads only partitions it holds, and counts only those as its own', async () => {
    await acceptTwice();
    const lost = [0, 1, 2, 3];
    for (const partition of lost) store.ownership.drop(partition);
    await store.outbox.recount();
    const head = [...(await store.outbox.head(A, 1000, 1))];
    expect(head.length).toBeGreaterThan(0);
    expect(head.every((m) => !lost.includes(m.partition))).toBe(true);
    expect(store.outbox.deliverableCount(A)).toBe(head.length);
    expect(store.outbox.pendingCount(A)).toBe(80);
  });

  it('a stale owner changes nothing: a settlement under an epoch since taken over writes no row', async () => {
    await acceptTwice();
    const head = [...(await store.outbox.head(A, 1000, 1))];
    const stale = store.fenced([{ connectorId: A, settlement: { delivered: head.map((m) => m.seq), retry: [], dead: [] } }]);
    // Another instance took partitions 0-3 over (their leases lapsed): a new epoch, another owner.
    await sql`UPDATE partition_leases SET owner = 'other', epoch = epoch + 1 WHERE partition < 4`.execute(store.database.db);
    const [settled] = await store.outbox.settleAll(stale);
    const kept = head.filter((m) => m.partition < 4);
    expect(kept.length).toBeGreaterThan(0);
    expect(settled).toBe(head.length - kept.length);
    const left = (await sql<{ n: number }>`SELECT coalesce(sum(pending), 0) AS n FROM outbox_chunks`.execute(store.database.db)).rows[0].n;
    expect(Number(left)).toBe(kept.length);
  });

  it('a lapsed lease fences too, even with the owner unchanged', async () => {
    await acceptTwice();
    const head = [...(await store.outbox.head(A, 1000, 1))];
    const items = store.fenced([
      { connectorId: A, settlement: { delivered: [], retry: [], dead: head.map((m) => ({ seq: m.seq, code: 'X', message: 'y' })) } },
    ]);
    await sql`UPDATE partition_leases SET expires_at = clock_timestamp() - interval '1 second'`.execute(store.database.db);
    expect(await store.outbox.settleAll(items)).toEqual([0]);
    const dead = (await sql<{ n: number }>`SELECT count(*) AS n FROM dead_letters`.execute(store.database.db)).rows[0].n;
    expect(Number(dead)).toBe(0);
  });

  it('takes an Idempotency-Key once across instances: the second commit stores nothing and gets the first answer', async () => {
    const request = (answer: string) => ({
      messages: [message(A, 'k')],
      idempotency: { key: '*:retry-1', hash: 'h', answer: { answer } },
      acceptedAt: Date.now(),
    });
    const first = await store.outbox.commitGroup([request('first')]);
    const second = await store.outbox.commitGroup([request('second')]);
    expect(first.appended).toHaveLength(1);
    expect(second.appended).toHaveLength(0);
    expect(JSON.parse(second.earlier.get(0)!.response)).toEqual({ answer: 'first' });
  });
});

describe('migration to the chunked outbox', () => {
  it('moves messages still waiting in the old outbox over in order, with their retry state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-migration-'));
    const config = { databasePath: join(dir, 'host.db') } as HostConfig;
    const database = new SqliteDatabase(config);
    try {
      const migrator = new Migrator({ db: database.db, provider: migrationProvider('sqlite', sqliteMigrations) });
      const { error } = await migrator.migrateTo('2026-11-28-005-trace-in-memory');
      expect(error).toBeUndefined();
      database.sqlite
        .prepare(
          `INSERT INTO connectors (id, type, site_number, name, partner_number, settings, secrets, enabled, created_at, updated_at) VALUES (?, 'kinesis', 1, 'c', 1, '{}', '{}', 1, 0, 0)`,
        )
        .run(A);
      const old = database.sqlite.prepare(
        'INSERT INTO outbox (connector_id, partition_key, source_id, body, accepted_at, attempts, next_attempt_at, last_error_code, last_error_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      old.run(A, 'p1', 'src', '{"n":1}', 100, 0, 0, null, null);
      old.run(A, 'p2', null, '{"n":2}', 200, 3, 9000, 'InternalFailure', 'down');
      await database.migrate();
      const outbox = new SqliteOutbox(database, new SqliteDeadLettersRepository(database), new SqliteIdempotencyKeys(database));
      expect(outbox.pendingCount(A)).toBe(2);
      expect(outbox.page(A, 0, 10)).toEqual([
        expect.objectContaining({ partition_key: 'p1', source_id: 'src', body: '{"n":1}', accepted_at: 100, attempts: 0 }),
        expect.objectContaining({
          partition_key: 'p2',
          source_id: null,
          body: '{"n":2}',
          accepted_at: 200,
          attempts: 3,
          next_attempt_at: 9000,
        }),
      ]);
      expect((await outbox.find({ profileId: 'p2' }, 1)).items[0]).toMatchObject({
        last_error_code: 'InternalFailure',
        last_error_message: 'down',
      });
    } finally {
      await database.onApplicationShutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(STORE_ENGINES)('migration to stored sizes on %s', (engine) => {
  it("gives chunks already stored their size, and dead letters theirs, so a backlog's bytes count from the start", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sizes-migration-'));
    const config = {
      databasePath: join(dir, 'host.db'),
      databaseUrl: engine === 'postgres' ? await freshDatabaseUrl() : undefined,
      idempotencyRetentionMs: 86_400_000,
      limits: { messageHistoryMs: 0 },
      cluster: { instanceId: ME, partitions: 1, leaseTtlMs: 10_000, renewEveryMs: 2000, leaseMarginMs: 1000, backlogRefreshMs: 1000 },
    } as HostConfig;
    const database =
      engine === 'postgres' ? new PostgresDatabase({ ...config, databaseUrl: config.databaseUrl ?? '' }) : new SqliteDatabase(config);
    try {
      const migrator = new Migrator({
        db: database.db,
        provider: migrationProvider(engine, engine === 'postgres' ? postgresMigrations : sqliteMigrations),
      });
      expect((await migrator.migrateTo('2026-12-03-012-dead-letters-by-age')).error).toBeUndefined();
      await sql`INSERT INTO connectors (id, type, site_number, name, partner_number, settings, secrets, enabled, created_at, updated_at)
        VALUES (${A}, 'kinesis', 1, 'c', 1, '{}', '{}', 1, 0, 0)`.execute(database.db);
      const messages = JSON.stringify([['p1', 'src', '{"name":"Zoë ☃"}']]);
      await sql`INSERT INTO outbox_chunks (connector_id, accepted_at, pending, messages) VALUES (${A}, 1, 1, ${messages})`.execute(
        database.db,
      );
      await sql`INSERT INTO dead_letters (connector_id, partition_key, source_id, body, accepted_at, attempts, failed_at, error_code, error_message)
        VALUES (${A}, 'p2', null, '{"n":"é"}', 1, 1, 2, 'X', 'y')`.execute(database.db);
      await database.migrate();
      await database.onApplicationShutdown();
      // The host starting on it: the chunk stored before has no recorded size and is measured.
      const store = new StoreUnderTest(config);
      await store.open();
      try {
        expect(store.outbox.pendingBytes(A)).toBe(Buffer.byteLength(messages));
        expect(await store.deadLetters.usageForSite(1)).toEqual({
          count: 1,
          bytes: Buffer.byteLength('{"n":"é"}') + 2,
        });
        // Its settlement frees exactly what was counted.
        const [pending] = [...(await store.outbox.head(A, 10, 1))];
        const settled = await store.outbox.settleAll(
          store.fenced([{ connectorId: A, settlement: { delivered: [pending.seq], retry: [], dead: [] } }]),
        );
        expect([settled, store.outbox.pendingCount(A), store.outbox.pendingBytes(A)]).toEqual([[1], 0, 0]);
      } finally {
        await store.close();
      }
    } finally {
      // Closed already unless the migration failed; closing twice is harmless.
      await database.onApplicationShutdown().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
