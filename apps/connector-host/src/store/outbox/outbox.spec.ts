import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Migrator } from 'kysely';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HostConfig } from '../../config/host.config.js';
import { DatabaseService } from '../database.service.js';
import { DeadLettersRepository } from '../dead-letters.repository.js';
import { migrationProvider } from '../migrations.js';
import { DeadLetterReplay } from './dead-letter-replay.js';
import { CHUNK_MAX_MESSAGES } from './outbox-chunk.js';
import { OutboxSearch } from './outbox-search.js';
import { OutboxSettlements } from './outbox-settlements.js';
import { type NewMessage, OutboxRepository } from './outbox.repository.js';

beforeAll(() => Logger.overrideLogger(false));

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';

describe('the outbox: repository, settlements, search and replay on a real SQLite file', () => {
  let dir: string;
  let config: HostConfig;
  let database: DatabaseService;
  let outbox: OutboxRepository;
  let settlements: OutboxSettlements;
  let search: OutboxSearch;
  let replay: DeadLetterReplay;

  const open = async () => {
    database = new DatabaseService(config);
    await database.migrate();
    outbox = new OutboxRepository(database);
    const deadLetters = new DeadLettersRepository(database);
    settlements = new OutboxSettlements(database, outbox, deadLetters);
    search = new OutboxSearch(database);
    replay = new DeadLetterReplay(database, outbox, deadLetters);
  };
  const message = (connectorId: string, key: string): NewMessage => ({
    connectorId,
    partitionKey: key,
    sourceId: 'src',
    body: JSON.stringify({ profileId: key }),
  });
  const accept = (messages: NewMessage[], at = 1000) => {
    const appended = database.sqlite.transaction(() => outbox.appendAll(messages, at))();
    outbox.committed(appended);
    return appended;
  };
  const keys = (connectorId: string) => outbox.page(connectorId, 0, 10_000).map((m) => m.partition_key);
  const chunkCount = () => (database.sqlite.prepare('SELECT count(*) AS n FROM outbox_chunks').get() as { n: number }).n;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    config = { databasePath: join(dir, 'host.db') } as HostConfig;
    await open();
    const insert = database.sqlite.prepare(
      `INSERT INTO connectors (id, type, site_number, name, partner_number, settings, secrets, enabled, created_at, updated_at) VALUES (?, 'kinesis', 1, 'c', 1, '{}', '{}', 1, 0, 0)`,
    );
    insert.run(A);
    insert.run(B);
  });

  afterEach(async () => {
    await database.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a committed chunk from memory: the delivery loop does not read it back', () => {
    const [chunk] = accept([message(A, 'a1'), message(A, 'a2')]);
    // Blank the stored copy: only the in-memory one can still answer.
    database.sqlite.prepare("UPDATE outbox_chunks SET messages = '[]' WHERE seq = ?").run(chunk.seq);
    expect(outbox.page(A, 0, 10).map((m) => [m.partition_key, m.source_id, m.body])).toEqual([
      ['a1', 'src', JSON.stringify({ profileId: 'a1' })],
      ['a2', 'src', JSON.stringify({ profileId: 'a2' })],
    ]);
  });

  it('serves exactly what the store holds: a fresh repository reading SQLite sees the same messages', async () => {
    accept([message(A, 'a1'), { connectorId: A, partitionKey: 'a2', sourceId: null, body: '{"x":"\u2028\\n"}' }]);
    const fromMemory = outbox.page(A, 0, 10);
    outbox = new OutboxRepository(database);
    expect(outbox.page(A, 0, 10)).toEqual(fromMemory);
  });

  it('never serves a chunk whose transaction rolled back, though SQLite hands its seq out again', () => {
    let rolledBack: number | undefined;
    expect(() =>
      database.sqlite.transaction(() => {
        rolledBack = outbox.appendAll([message(A, 'lost')], 1000)[0].seq;
        throw new Error('disk full');
      })(),
    ).toThrow('disk full');
    const [chunk] = accept([message(A, 'kept')]);
    expect(chunk.seq).toBe(rolledBack);
    expect(keys(A)).toEqual(['kept']);
    expect(outbox.pendingCount(A)).toBe(1);
  });

  it('keeps each connector its own messages, in acceptance order across requests', () => {
    accept([message(A, 'a1'), message(B, 'b1'), message(A, 'a2')]);
    accept([message(A, 'a3')]);
    expect(keys(A)).toEqual(['a1', 'a2', 'a3']);
    expect(keys(B)).toEqual(['b1']);
    expect([outbox.pendingCount(A), outbox.pendingCount(B)]).toEqual([3, 1]);
    const seqs = outbox.page(A, 0, 10).map((m) => m.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    // Paging after a seq continues where the last page ended, also inside a chunk.
    expect(outbox.page(A, seqs[0], 10).map((m) => m.partition_key)).toEqual(['a2', 'a3']);
    expect(outbox.page(A, 0, 2).map((m) => m.partition_key)).toEqual(['a1', 'a2']);
  });

  it('splits a request bigger than a chunk and keeps its order', () => {
    const many = Array.from({ length: CHUNK_MAX_MESSAGES + 5 }, (_, i) => message(A, `k${i}`));
    accept(many);
    expect(chunkCount()).toBe(2);
    expect(keys(A)).toEqual(many.map((m) => m.partitionKey));
  });

  it('removes delivered messages, and the chunk with its last one', () => {
    accept([message(A, 'a1'), message(A, 'a2'), message(A, 'a3')]);
    const [a1, a2, a3] = outbox.page(A, 0, 10);
    settlements.settleFor(A, { delivered: [a2.seq], retry: [], dead: [] });
    expect(keys(A)).toEqual(['a1', 'a3']);
    expect(outbox.pendingCount(A)).toBe(2);
    settlements.settleFor(A, { delivered: [a1.seq, a3.seq], retry: [], dead: [] });
    expect(keys(A)).toEqual([]);
    expect(outbox.pendingCount(A)).toBe(0);
    expect(chunkCount()).toBe(0);
  });

  it('settles many rounds in one transaction; two rounds on the same chunk compose, each counted once', () => {
    accept([message(A, 'a1'), message(A, 'a2'), message(A, 'a3')]);
    accept([message(B, 'b1')]);
    const [a1, a2, a3] = outbox.page(A, 0, 10);
    const [b1] = outbox.page(B, 0, 10);
    const settled = settlements.settleAll([
      { connectorId: A, settlement: { delivered: [a1.seq], retry: [], dead: [] } },
      { connectorId: A, settlement: { delivered: [a2.seq], retry: [], dead: [{ seq: a3.seq, code: 'RecordTooLarge', message: 'big' }] } },
      { connectorId: B, settlement: { delivered: [b1.seq], retry: [], dead: [] } },
      // A repeat of a round already settled changes nothing and counts nothing.
      { connectorId: A, settlement: { delivered: [a1.seq], retry: [], dead: [] } },
    ]);
    expect(settled).toEqual([1, 2, 1, 0]);
    expect(keys(A)).toEqual([]);
    expect(keys(B)).toEqual([]);
    expect(outbox.pendingCount(A)).toBe(0);
    expect(outbox.pendingCount(B)).toBe(0);
    expect(chunkCount()).toBe(0);
    expect((database.sqlite.prepare('SELECT count(*) AS n FROM dead_letters').get() as { n: number }).n).toBe(1);
  });

  it('leaves the messages of profiles in flight out of a page, and their successors with them', () => {
    accept([message(A, 'a1'), message(A, 'a2'), message(A, 'a1'), message(A, 'a3')]);
    expect(outbox.page(A, 0, 10, (key) => key === 'a1').map((m) => m.partition_key)).toEqual(['a2', 'a3']);
  });

  it('counts attempts of retried messages and shows their last error; a retry keeps its place in the order', () => {
    accept([message(A, 'a1'), message(A, 'a2')]);
    const [a1] = outbox.page(A, 0, 10);
    settlements.settleFor(A, {
      delivered: [],
      retry: [{ seq: a1.seq, nextAttemptAt: 5000, code: 'InternalFailure', message: 'try again' }],
      dead: [],
    });
    settlements.settleFor(A, {
      delivered: [],
      retry: [{ seq: a1.seq, nextAttemptAt: 9000, code: 'ProvisionedThroughputExceededException', message: 'slow down' }],
      dead: [],
    });
    const [first, second] = outbox.page(A, 0, 10);
    expect(first).toMatchObject({ partition_key: 'a1', attempts: 2, next_attempt_at: 9000 });
    expect(second).toMatchObject({ partition_key: 'a2', attempts: 0, next_attempt_at: 0 });
    const [shown] = search.find({ profileId: 'a1' }, 10);
    expect(shown).toMatchObject({
      connector_id: A,
      attempts: 2,
      last_error_code: 'ProvisionedThroughputExceededException',
      last_error_message: 'slow down',
    });
    expect(outbox.pendingCount(A)).toBe(2);
  });

  it('moves rejected messages to the dead letters with their body and attempts', () => {
    accept([message(A, 'a1'), message(A, 'a2')]);
    const [a1] = outbox.page(A, 0, 10);
    settlements.settleFor(A, {
      delivered: [],
      retry: [{ seq: a1.seq, nextAttemptAt: 1, code: 'InternalFailure', message: 'x' }],
      dead: [],
    });
    settlements.settleFor(A, { delivered: [], retry: [], dead: [{ seq: a1.seq, code: 'ValidationException', message: 'too big' }] });
    expect(keys(A)).toEqual(['a2']);
    const dead = database.sqlite.prepare('SELECT partition_key, body, attempts, error_code, source_id FROM dead_letters').all();
    expect(dead).toEqual([
      { partition_key: 'a1', body: JSON.stringify({ profileId: 'a1' }), attempts: 2, error_code: 'ValidationException', source_id: 'src' },
    ]);
    expect(outbox.pendingCount(A)).toBe(1);
  });

  it('dead-letters what outlived its maximum age, with its last error, and leaves the rest', () => {
    accept([message(A, 'old1'), message(A, 'old2')], 1000);
    accept([message(A, 'new')], 5000);
    const [old1] = outbox.page(A, 0, 10);
    settlements.settleFor(A, {
      delivered: [],
      retry: [{ seq: old1.seq, nextAttemptAt: 1, code: 'InternalFailure', message: 'down' }],
      dead: [],
    });
    expect(settlements.expire(A, 2000)).toBe(2);
    expect(keys(A)).toEqual(['new']);
    const dead = database.sqlite.prepare('SELECT partition_key, error_code, error_message, attempts FROM dead_letters ORDER BY id').all();
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

  it('expires whole chunks, a bounded number of messages per call', () => {
    for (const n of [1, 2, 3]) accept([message(A, `c${n}a`), message(A, `c${n}b`)], 1000);
    expect(settlements.expire(A, 2000, 3)).toBe(4);
    expect(keys(A)).toEqual(['c3a', 'c3b']);
    expect(settlements.expire(A, 2000, 3)).toBe(2);
    expect(outbox.pendingCount(A)).toBe(0);
  });

  it('replays dead letters as newly accepted messages, in their original order', () => {
    accept([message(A, 'a1'), message(A, 'a2'), message(A, 'a3')]);
    const pending = outbox.page(A, 0, 10);
    settlements.settleFor(A, { delivered: [], retry: [], dead: pending.map((m) => ({ seq: m.seq, code: 'X', message: 'y' })) });
    accept([message(A, 'later')]);
    const replayed = replay.replay(A);
    expect(replayed).toBe(3);
    expect(keys(A)).toEqual(['later', 'a1', 'a2', 'a3']);
    expect(outbox.pendingCount(A)).toBe(4);
  });

  it('survives a restart: backlog sizes and retry states come back from the store', async () => {
    accept([message(A, 'a1'), message(A, 'a2'), message(B, 'b1')]);
    const [a1, a2] = outbox.page(A, 0, 10);
    settlements.settleFor(A, {
      delivered: [a2.seq],
      retry: [{ seq: a1.seq, nextAttemptAt: 7000, code: 'InternalFailure', message: 'x' }],
      dead: [],
    });
    await database.onApplicationShutdown();
    await open();
    expect([outbox.pendingCount(A), outbox.pendingCount(B)]).toEqual([1, 1]);
    expect(outbox.page(A, 0, 10)).toEqual([expect.objectContaining({ partition_key: 'a1', attempts: 1, next_attempt_at: 7000 })]);
  });

  it('counts a message settled twice once: the backlog size follows what the store holds', () => {
    accept([message(A, 'a1'), message(A, 'a2')]);
    const [a1] = outbox.page(A, 0, 10);
    settlements.settleFor(A, { delivered: [a1.seq], retry: [], dead: [] });
    settlements.settleFor(A, { delivered: [a1.seq], retry: [], dead: [{ seq: a1.seq, code: 'X', message: 'y' }] });
    expect(outbox.pendingCount(A)).toBe(1);
    expect(keys(A)).toEqual(['a2']);
  });

  it('loses nothing when a connector is deleted mid-settlement: its chunks go with it', () => {
    accept([message(A, 'a1'), message(B, 'b1')]);
    const [a1] = outbox.page(A, 0, 10);
    database.sqlite.prepare('DELETE FROM connectors WHERE id = ?').run(A);
    settlements.settleFor(A, { delivered: [a1.seq], retry: [], dead: [] });
    expect(keys(A)).toEqual([]);
    expect(keys(B)).toEqual(['b1']);
  });
});

describe('migration to the chunked outbox', () => {
  it('moves messages still waiting in the old outbox over in order, with their retry state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-migration-'));
    const config = { databasePath: join(dir, 'host.db') } as HostConfig;
    const database = new DatabaseService(config);
    try {
      const migrator = new Migrator({ db: database.db, provider: migrationProvider });
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
      const outbox = new OutboxRepository(database);
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
      expect(new OutboxSearch(database).find({ profileId: 'p2' }, 1)[0]).toMatchObject({
        last_error_code: 'InternalFailure',
        last_error_message: 'down',
      });
    } finally {
      await database.onApplicationShutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
