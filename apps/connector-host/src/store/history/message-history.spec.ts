import { Logger } from '@nestjs/common';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_ENGINES } from '../../../../../test/support/postgres.js';
import { A, B, StoreUnderTest } from '../../../../../test/support/store-under-test.js';
import type { NewMessage } from '../outbox/outbox-store.js';
import { chunkOf, messageSeq } from '../outbox/outbox-chunk.js';
import type { Settlement } from '../outbox/settlement.js';
import { MessageHistoryRepository } from './message-history.repository.js';
import { searchHistory, type HistoryChunk, type HistoryPager } from './history-search.js';

const message = (connectorId: string, profile: string, n: number, sourceId = 'aud-1'): NewMessage => ({
  connectorId,
  partitionKey: profile,
  sourceId,
  body: JSON.stringify({ callType: 'NEW', profileId: profile, n }),
});

describe.each(STORE_ENGINES)('the message history on %s', (engine) => {
  beforeAll(() => Logger.overrideLogger(false));
  let store: StoreUnderTest;
  let history: MessageHistoryRepository;

  beforeEach(async () => {
    store = await StoreUnderTest.create(engine);
    history = new MessageHistoryRepository(store.database, store.outbox);
  });
  afterEach(() => store.remove());

  /** Commits one request; returns its messages' seqs in order. */
  async function accept(messages: NewMessage[], acceptedAt = Date.now()): Promise<number[]> {
    const { appended } = await store.outbox.commitGroup([{ messages, acceptedAt }]);
    store.outbox.committed(appended);
    return appended.flatMap((chunk) => chunk.messages.map((_, index) => messageSeq(chunk.seq, index)));
  }

  const settle = (connectorId: string, settlement: Settlement) => store.outbox.settleAll(store.fenced([{ connectorId, settlement }]));
  const round = (at: number, receipts: [number, Record<string, string>][] = []) => ({ at, latencyMs: 42, receipts: new Map(receipts) });

  it('keeps each message with its attempts: delivered with its receipt, retried, dead-lettered with why, still pending', async () => {
    const [s1, s2, s3, s4] = await accept([message(A, 'p1', 1), message(A, 'p2', 2), message(A, 'p3', 3), message(A, 'p4', 4)], 1000);
    await settle(A, {
      delivered: [s1],
      retry: [{ seq: s2, nextAttemptAt: 5000, code: 'Throttled', message: 'slow down' }],
      dead: [{ seq: s3, code: 'InvalidRecord', message: 'too big' }],
      round: round(2000, [[s1, { shardId: 'shard-0', sequenceNumber: '49' }]]),
    });
    await settle(A, { delivered: [s2], retry: [], dead: [], round: round(6000) });

    const { items, next } = await history.search({ connectorId: A, limit: 10 });
    expect(next).toBeNull();
    expect(items.map((item) => [item.profileId, item.status])).toEqual([
      ['p4', 'pending'],
      ['p3', 'dead_lettered'],
      ['p2', 'delivered'],
      ['p1', 'delivered'],
    ]);
    const [p4, p3, p2, p1] = items;
    expect(p1).toMatchObject({ id: s1, callType: 'NEW', acceptedAt: 1000, sourceId: 'aud-1' });
    expect(p1.attempts).toEqual([
      { at: 2000, latencyMs: 42, outcome: 'delivered', receipt: { shardId: 'shard-0', sequenceNumber: '49' }, error: null },
    ]);
    expect(p2.attempts.map((attempt) => [attempt.at, attempt.outcome, attempt.error?.code ?? null])).toEqual([
      [2000, 'retry', 'Throttled'],
      [6000, 'delivered', null],
    ]);
    expect(p3.deadReason).toEqual({ code: 'InvalidRecord', message: 'too big' });
    expect(p3.attempts.map((attempt) => attempt.outcome)).toEqual(['dead_lettered']);
    expect(p4.attempts).toEqual([]);

    // The last message settles: the chunk moves to the history whole, and reads the same from there.
    await settle(A, { delivered: [s4], retry: [], dead: [], round: round(7000) });
    const settled = await store.database.db.selectFrom('message_history').select(['seq', 'count', 'dead']).execute();
    expect(settled.map((row) => [Number(row.seq), row.count])).toEqual([[chunkOf(s1), 4]]);
    expect(await store.database.db.selectFrom('outbox_chunks').select('seq').execute()).toEqual([]);
    const after = await history.search({ connectorId: A, limit: 10 });
    expect(after.items.map((item) => [item.profileId, item.status])).toEqual([
      ['p4', 'delivered'],
      ['p3', 'dead_lettered'],
      ['p2', 'delivered'],
      ['p1', 'delivered'],
    ]);
    expect(after.items[1].deadReason).toEqual({ code: 'InvalidRecord', message: 'too big' });
    expect(after.items[3].attempts).toEqual(p1.attempts);
  });

  it('pages newest first by cursor across pending and settled chunks, and filters by profile, source, status and time', async () => {
    const seqs: number[] = [];
    for (let n = 0; n < 40; n++) seqs.push(...(await accept([message(A, `p${n % 3}`, n, n % 2 ? 'aud-odd' : 'aud-even')], 10_000 + n)));
    await accept([message(B, 'p0', 99)], 10_100);
    // Every other chunk settles (into the history); the rest stay pending.
    const delivered = seqs.filter((_, n) => n % 2 === 0);
    await settle(A, { delivered, retry: [], dead: [], round: round(20_000) });

    const ids: number[] = [];
    let cursor: number | undefined;
    for (let page = 0; page < 10; page++) {
      const found = await history.search({ connectorId: A, limit: 7, before: cursor });
      ids.push(...found.items.map((item) => item.id));
      if (found.next === null) break;
      cursor = found.next;
    }
    expect(ids).toEqual([...seqs].reverse());

    const p1 = await history.search({ connectorId: A, profileId: 'p1', status: 'delivered', limit: 100 });
    expect(p1.items.map((item) => item.id)).toEqual(seqs.filter((_, n) => n % 3 === 1 && n % 2 === 0).reverse());
    const odd = await history.search({ connectorId: A, sourceId: 'aud-odd', limit: 100 });
    expect(odd.items.every((item) => item.status === 'pending' && item.sourceId === 'aud-odd')).toBe(true);
    expect(odd.items).toHaveLength(20);
    const window = await history.search({ connectorId: A, from: 10_010, to: 10_019, limit: 100 });
    expect(window.items.map((item) => item.acceptedAt)).toEqual(Array.from({ length: 10 }, (_, i) => 10_019 - i));
    // Another connector's messages never show in this one's history.
    expect((await history.search({ connectorId: A, profileId: 'p0', limit: 100 })).items.every((item) => item.connectorId === A)).toBe(
      true,
    );
    expect((await history.search({ connectorId: B, limit: 100 })).items.map((item) => item.profileId)).toEqual(['p0']);
  });

  it('is kept after the store is closed and opened again (another instance reads the same)', async () => {
    const [s1] = await accept([message(A, 'p1', 1)], 1000);
    await settle(A, { delivered: [s1], retry: [], dead: [], round: round(2000, [[s1, { status: '204' }]]) });
    await store.close();
    await store.open();
    const reopened = new MessageHistoryRepository(store.database, store.outbox);
    const { items } = await reopened.search({ connectorId: A, limit: 10 });
    expect(items.map((item) => [item.id, item.status, item.attempts[0]?.receipt])).toEqual([[s1, 'delivered', { status: '204' }]]);
  });

  it('purges the oldest chunks and attempts by batch, keeping what is younger, messages with their chunks', async () => {
    for (let n = 0; n < 5; n++) {
      const [seq] = await accept([message(A, 'p', n)], 1000 + n);
      // A retry (an attempt row of its own, the chunk still pending), then the delivery that moves the chunk.
      await settle(A, {
        delivered: [],
        retry: [{ seq, nextAttemptAt: 0, code: 'Throttled', message: 'slow' }],
        dead: [],
        round: round(1000 + n),
      });
      await settle(A, { delivered: [seq], retry: [], dead: [], round: round(1000 + n) });
    }
    expect(await history.purge(1003, 2)).toBe(4);
    expect(await history.purge(1003, 2)).toBe(2);
    expect(await history.purge(1003, 2)).toBe(0);
    const { items } = await history.search({ connectorId: A, limit: 10 });
    expect(items.map((item) => [item.acceptedAt, item.attempts.map((attempt) => attempt.outcome)])).toEqual([
      [1004, ['retry', 'delivered']],
      [1003, ['retry', 'delivered']],
    ]);
    if (engine === 'sqlite') {
      // SQLite keeps a settled chunk's messages apart (migration 016): they went with the purged history rows.
      expect((await store.database.db.selectFrom('outbox_chunk_messages').select('seq').execute()).length).toBe(2);
    }
  });

  it("deletes a connector's history with the connector", async () => {
    const [s1] = await accept([message(A, 'p1', 1)]);
    await settle(A, { delivered: [s1], retry: [], dead: [], round: round(2000) });
    await accept([message(A, 'p2', 2)]);
    expect(await store.engineStore.connectors().delete(A)).toBe(true);
    expect(await store.database.db.selectFrom('message_history').select('seq').execute()).toEqual([]);
    if (engine === 'sqlite') expect(await store.database.db.selectFrom('outbox_chunk_messages').select('seq').execute()).toEqual([]);
    expect(await store.database.db.selectFrom('message_attempts').select('id').execute()).toEqual([]);
  });
});

describe('searchHistory', () => {
  const chunk = (seq: number, size: number): HistoryChunk => ({
    seq,
    connector_id: A,
    accepted_at: seq,
    dead: null,
    messages: JSON.stringify(Array.from({ length: size }, (_, i) => [`p${i}`, null, 'x'.repeat(100)])),
  });
  const pager =
    (chunks: HistoryChunk[]): HistoryPager =>
    async (_connector, atMost, count) =>
      chunks
        .filter((c) => c.seq <= atMost)
        .sort((a, b) => b.seq - a.seq)
        .slice(0, count);

  it('stops at its read budget with a cursor that goes on where it stopped, whatever the filter', async () => {
    const settled = Array.from({ length: 100 }, (_, i) => chunk(i + 1, 10));
    const first = await searchHistory(pager([]), pager(settled), { profileId: 'nobody', limit: 10 }, 5000);
    expect(first.items).toEqual([]);
    expect(first.next).not.toBeNull();
    const second = await searchHistory(pager([]), pager(settled), { profileId: 'nobody', limit: 10, before: first.next! }, 5000);
    expect(second.next! < first.next!).toBe(true);
  });
});
