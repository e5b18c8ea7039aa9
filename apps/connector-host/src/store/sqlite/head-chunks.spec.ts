import { Logger } from '@nestjs/common';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { A, StoreUnderTest } from '../../../../../test/support/store-under-test.js';
import { SqliteDeadLettersRepository } from './sqlite-dead-letters.repository.js';
import { SqliteIdempotencyKeys } from './sqlite-idempotency-keys.js';
import { HeadChunks } from './head-chunks.js';
import type { NewMessage } from '../outbox/outbox-store.js';
import type { ChunkRow } from '../outbox/settlement.js';
import type { SqliteChunkStatements } from './sqlite-chunk-statements.js';
import { SqliteOutbox } from './sqlite-outbox.js';

beforeAll(() => Logger.overrideLogger(false));

const row = (seq: number, pending: number): ChunkRow => ({
  seq,
  connector_id: A,
  partition: 0,
  accepted_at: 1,
  pending,
  state: null,
  bytes: 10,
});

describe('HeadChunks', () => {
  it("serves a connector's rows only while their pending messages add up to its backlog count", () => {
    const heads = new HeadChunks();
    heads.keep(A, [row(1, 2), row(2, 3)], true);
    expect(heads.rowsOf(A, 5)?.map((held) => held.seq)).toEqual([1, 2]);
    expect(heads.rowsOf(A, 6)).toBeUndefined();
    heads.changed(A, 1, 1, '{"done":[0]}');
    expect(heads.rowsOf(A, 4)?.map((held) => [held.seq, held.pending, held.state])).toEqual([
      [1, 1, '{"done":[0]}'],
      [2, 3, null],
    ]);
    heads.changed(A, 1, 0, null);
    expect(heads.rowsOf(A, 3)?.map((held) => held.seq)).toEqual([2]);
    heads.changed(A, 2, 0, null);
    expect(heads.rowsOf(A, 0)).toBeUndefined();
  });

  it('holds nothing of a read that was not the whole backlog', () => {
    const heads = new HeadChunks();
    heads.keep(A, [row(1, 2)], false);
    expect(heads.rowsOf(A, 2)).toBeUndefined();
  });
});

describe('the SQLite outbox reading small backlogs from memory', () => {
  let store: StoreUnderTest;
  let delivering: SqliteOutbox;
  /** The other writer of the file (intake's event loop when delivery has a thread of its own). */
  let intake: SqliteOutbox;
  let queries: () => number;

  const message = (key: string): NewMessage => ({ connectorId: A, partitionKey: key, sourceId: 'src', body: `{"p":"${key}"}` });
  const keysAtHead = async () => [...(await delivering.head(A, 500, 1))].map((pending) => pending.partition_key);
  /** Commits on intake's side; delivery hears of it as the thread link tells it: by the backlog's delta. */
  const acceptElsewhere = async (...keys: string[]) => {
    const { appended } = await intake.commitGroup([{ messages: keys.map(message), acceptedAt: 1 }]);
    intake.committed(appended);
    delivering.counters.apply(A, keys.length);
  };

  beforeEach(async () => {
    store = await StoreUnderTest.create('sqlite');
    const database = store.sqlite;
    delivering = new SqliteOutbox(database, new SqliteDeadLettersRepository(database), new SqliteIdempotencyKeys(database));
    intake = new SqliteOutbox(database, new SqliteDeadLettersRepository(database), new SqliteIdempotencyKeys(database));
    delivering.keepsCommittedChunks = false;
    const statements = (delivering as unknown as { sql: SqliteChunkStatements }).sql;
    const all = vi.spyOn(statements.chunksFrom, 'all');
    queries = () => all.mock.calls.length;
  });

  afterEach(async () => {
    await store.remove();
  });

  it('reads a head once, then from memory with its settlements applied', async () => {
    await acceptElsewhere('p1', 'p2');
    await acceptElsewhere('p3');
    expect(await keysAtHead()).toEqual(['p1', 'p2', 'p3']);
    expect(queries()).toBe(1);

    const [first] = await delivering.head(A, 500, 1);
    await delivering.settleAll([{ connectorId: A, settlement: { delivered: [first.seq], retry: [], dead: [] } }]);
    expect(await keysAtHead()).toEqual(['p2', 'p3']);
    const retried = [...(await delivering.head(A, 500, 1))].find((pending) => pending.partition_key === 'p3')!;
    await delivering.settleAll([
      {
        connectorId: A,
        settlement: { delivered: [], retry: [{ seq: retried.seq, nextAttemptAt: 99, code: 'x', message: 'y' }], dead: [] },
      },
    ]);
    const afterRetry = [...(await delivering.head(A, 500, 1))];
    expect(afterRetry.map((pending) => [pending.partition_key, pending.attempts, pending.next_attempt_at])).toEqual([
      ['p2', 0, 0],
      ['p3', 1, 99],
    ]);
    expect(queries()).toBe(1);
  });

  it("reads the store again once another writer's messages raised the count, and sees them", async () => {
    await acceptElsewhere('p1');
    expect(await keysAtHead()).toEqual(['p1']);
    await acceptElsewhere('p2');
    expect(await keysAtHead()).toEqual(['p1', 'p2']);
    expect(queries()).toBe(2);
    expect(await keysAtHead()).toEqual(['p1', 'p2']);
    expect(queries()).toBe(2);
  });

  it('reads a backlog of a page of chunks or more from the store every time', async () => {
    for (let chunk = 0; chunk < 16; chunk++) await acceptElsewhere(`p${chunk}`);
    expect(await keysAtHead()).toHaveLength(16);
    expect(await keysAtHead()).toHaveLength(16);
    expect(queries()).toBeGreaterThanOrEqual(4);
  });

  it('reads a store that shows a chunk before its count arrived until the count agrees, then from memory', async () => {
    await acceptElsewhere('p1');
    // Committed, but its delta not yet heard: the rows read add up to more than the count.
    const { appended } = await intake.commitGroup([{ messages: [message('p2')], acceptedAt: 1 }]);
    intake.committed(appended);
    expect(await keysAtHead()).toEqual(['p1', 'p2']);
    expect(await keysAtHead()).toEqual(['p1', 'p2']);
    expect(queries()).toBe(2);
    delivering.counters.apply(A, 1);
    expect(await keysAtHead()).toEqual(['p1', 'p2']);
    expect(await keysAtHead()).toEqual(['p1', 'p2']);
    expect(queries()).toBe(2);
  });

  it('applies an expiry to what it holds', async () => {
    await acceptElsewhere('p1', 'p2');
    expect(await keysAtHead()).toEqual(['p1', 'p2']);
    expect(await delivering.expire(A, 2)).toBe(2);
    expect(await keysAtHead()).toEqual([]);
    await acceptElsewhere('p3');
    expect(await keysAtHead()).toEqual(['p3']);
  });

  it('drops what it holds of a connector whose chunks a settlement found gone, or whose set-up changed elsewhere', async () => {
    await acceptElsewhere('p1', 'p2');
    const [p1] = await delivering.head(A, 500, 1);
    // Deleted on the other event loop: its chunks went with it, the count here is not lowered yet.
    store.sqlite.sqlite.prepare('DELETE FROM outbox_chunks').run();
    await delivering.settleAll([{ connectorId: A, settlement: { delivered: [p1.seq], retry: [], dead: [] } }]);
    expect(await keysAtHead()).toEqual([]);

    delivering.forget(A);
    await acceptElsewhere('p3');
    expect(await keysAtHead()).toEqual(['p3']);
    expect(await keysAtHead()).toEqual(['p3']);
    store.sqlite.sqlite.prepare('DELETE FROM outbox_chunks').run();
    delivering.changedElsewhere(A);
    expect(await keysAtHead()).toEqual([]);
  });

  it('forgets a deleted connector', async () => {
    await acceptElsewhere('p1');
    expect(await keysAtHead()).toEqual(['p1']);
    delivering.forget(A);
    delivering.counters.apply(A, 1);
    await keysAtHead();
    expect(queries()).toBe(2);
  });
});
