import { readHostConfig } from '../config/host.config.js';
import { HostTracing } from '../observability/host-tracing.js';
import { Logger } from '@nestjs/common';
import { sql } from 'kysely';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { A, B, StoreUnderTest } from '../../../../test/support/store-under-test.js';
import { LimitExceededError, RetryLaterError } from '../common/domain-errors.js';
import type { OutboxStore } from '../store/outbox/outbox-store.js';
import type { WriteLock } from '../store/sqlite/write-lock.js';
import type { RouteResult } from './event-router.js';
import { type CommitRequest, GroupCommit } from './group-commit.js';
import { type CommittedRequest, IntakeNotifications } from './intake-notifications.js';

beforeAll(() => Logger.overrideLogger(false));

/** A request of one event routing `bodies` to one connector; `key`: its scoped Idempotency-Key. */
function request(connectorId: string, bodies: string[], acceptedAt = 1000, key?: string): CommitRequest {
  const routed: RouteResult = {
    messages: bodies.map((body) => ({ connectorId, partitionKey: 'profile-1', sourceId: 'source-1', body })),
    skipped: {},
    connectors: new Map([[connectorId, 'kinesis']]),
    skips: [],
  };
  const bytes = bodies.reduce((sum, body) => sum + body.length + 'profile-1'.length, 0);
  return {
    routed,
    shares: new Map([[connectorId, { messages: bodies.length, bytes }]]),
    idempotency: key === undefined ? undefined : { key, hash: `hash-of-${key}`, answer: { accepted: 1 } },
    events: 1,
    acceptedAt,
  };
}

/** Holds the store's write lock as delivery's thread does (the lock's shared cell: 0 free, 1 held); returns the release. */
function holdWriteLock(lock: WriteLock): () => void {
  const cell = new Int32Array(lock.buffer);
  Atomics.store(cell, 0, 1);
  return () => {
    Atomics.store(cell, 0, 0);
    Atomics.notify(cell, 0);
  };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  let store: StoreUnderTest;
  let commits: GroupCommit;
  let notified: CommittedRequest[];
  let transactions: number[];

  beforeEach(async () => {
    store = await StoreUnderTest.create('sqlite');
    const notifications = new IntakeNotifications();
    notified = [];
    notifications.committed$.subscribe((committed) => notified.push(committed));
    commits = new GroupCommit(store.outbox, notifications, new HostTracing(readHostConfig({})));
    // Calls through to the real SQLite outbox: only records how many requests each transaction held.
    transactions = [];
    const commitGroup = store.outbox.commitGroup.bind(store.outbox);
    vi.spyOn(store.outbox, 'commitGroup').mockImplementation((requests) => {
      transactions.push(requests.length);
      return commitGroup(requests);
    });
  });
  afterEach(() => store.remove());

  const bodies = async (connectorId: string) => [...(await store.outbox.head(connectorId, 10_000, 1))].map((message) => message.body);
  const chunks = async () =>
    Number((await sql<{ n: number }>`SELECT count(*) AS n FROM outbox_chunks`.execute(store.database.db)).rows[0].n);
  const keyRecorded = (key: string) => store.engineStore.idempotency().lookup(key, 0);

  it('commits the requests of one turn in one transaction and answers each only once its messages are in the outbox', async () => {
    const pendingWhenAnswered: number[] = [];
    const submit = (connectorId: string, body: string) =>
      commits.submit(request(connectorId, [body])).then((earlier) => {
        pendingWhenAnswered.push(store.outbox.pendingCount(A) + store.outbox.pendingCount(B));
        return earlier;
      });
    const answers = await Promise.all([submit(A, 'one'), submit(B, 'two'), submit(A, 'three')]);
    expect(answers).toEqual([undefined, undefined, undefined]);
    expect(transactions).toEqual([3]);
    expect(pendingWhenAnswered).toEqual([3, 3, 3]);
    // Each request is announced with its own messages.
    expect(notified.map(({ routed }) => routed.messages.map((message) => message.body))).toEqual([['one'], ['two'], ['three']]);
  });

  it("keeps each connector's messages in the order their requests were submitted, within a group and across groups", async () => {
    await Promise.all([commits.submit(request(A, ['1a', '1b'])), commits.submit(request(B, ['2a'])), commits.submit(request(A, ['3a']))]);
    await commits.submit(request(A, ['4a']));
    expect(await bodies(A)).toEqual(['1a', '1b', '3a', '4a']);
    expect(await bodies(B)).toEqual(['2a']);
  });

  it('sets a group no size limit: every request queued until the store is writable joins one transaction', async () => {
    const release = holdWriteLock(store.sqlite.writeLock);
    const answers: Promise<unknown>[] = [];
    // Delivery's thread is writing: requests keep arriving over several turns and wait together.
    for (let turn = 0; turn < 5; turn++) {
      for (let index = 0; index < 50; index++) answers.push(commits.submit(request(A, [`${turn}-${index}`])));
      await nextTurn();
    }
    expect(transactions).toEqual([]);
    release();
    await Promise.all(answers);
    expect(transactions).toEqual([250]);
    expect(store.outbox.pendingCount(A)).toBe(250);
    expect((await bodies(A)).slice(0, 3)).toEqual(['0-0', '0-1', '0-2']);
  });

  it('retries a failed group one request at a time, so a request the store refuses fails alone and stores none of it', async () => {
    const unknownConnector = 'no-such-connector'; // its messages break a foreign key: the store refuses them
    const answers = await Promise.allSettled([
      commits.submit(request(A, ['one'])),
      commits.submit(request(unknownConnector, ['two'], 1000, '*:poisoned')),
      commits.submit(request(B, ['three'])),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((answers[1] as PromiseRejectedResult).reason).toBeInstanceOf(RetryLaterError);
    expect(transactions).toEqual([3, 1, 1, 1]);
    expect([...(await bodies(A)), ...(await bodies(B))]).toEqual(['one', 'three']);
    expect(await keyRecorded('*:poisoned')).toBeUndefined();
    expect(commits.uncommittedFor(unknownConnector)).toEqual({ messages: 0, bytes: 0 });
    expect(notified.map(({ routed }) => routed.messages[0].body)).toEqual(['one', 'three']);

    // Healthy groups keep sharing one transaction.
    await Promise.all([commits.submit(request(A, ['four'])), commits.submit(request(B, ['five']))]);
    expect(transactions.slice(4)).toEqual([2]);
  });

  it('keeps arrival order when a failed group is retried: a request arriving meanwhile commits after the retried ones', async () => {
    const unknownConnector = 'no-such-connector';
    // The real commit (the store's own method, under the spy the set-up put on it).
    const commitGroup = (Object.getPrototypeOf(store.outbox) as OutboxStore).commitGroup.bind(store.outbox);
    let later: Promise<unknown> | undefined;
    vi.spyOn(store.outbox, 'commitGroup').mockImplementation(async (requests) => {
      // While the refused request is retried alone, a newer request of the same profile arrives, and turns go by
      // (as while PostgreSQL answers): it must not commit before the older request still waiting behind the refused one.
      if (requests.length === 1 && requests[0].messages[0].connectorId === unknownConnector && later === undefined) {
        later = commits.submit(request(A, ['newer']));
        await nextTurn();
        await nextTurn();
      }
      return commitGroup(requests);
    });
    const answers = await Promise.allSettled([
      commits.submit(request(unknownConnector, ['refused'])),
      commits.submit(request(A, ['older'])),
    ]);
    await later;
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'fulfilled']);
    expect(await bodies(A)).toEqual(['older', 'newer']);
  });

  it('fails every request of a group with 503 and writes none of it when the store cannot commit, and commits again once it can', async () => {
    store.sqlite.sqlite.exec(
      `CREATE TRIGGER disk_full BEFORE INSERT ON outbox_chunks BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`,
    );
    const answers = await Promise.allSettled([
      commits.submit(request(A, ['one'], 1000, '*:k1')),
      commits.submit(request(B, ['two'], 1000, '*:k2')),
    ]);
    expect(answers.map((answer) => answer.status === 'rejected' && answer.reason instanceof RetryLaterError)).toEqual([true, true]);
    expect(await chunks()).toBe(0);
    expect([await keyRecorded('*:k1'), await keyRecorded('*:k2')]).toEqual([undefined, undefined]);
    expect([store.outbox.pendingCount(A), commits.uncommittedFor(A).messages, commits.uncommittedFor(B).messages]).toEqual([0, 0, 0]);
    expect(notified).toEqual([]);

    store.sqlite.sqlite.exec('DROP TRIGGER disk_full');
    await commits.submit(request(A, ['three']));
    expect(await bodies(A)).toEqual(['three']);
  });

  it('counts a request as uncommitted from its submit until its commit settled, never leaving it counted nowhere', async () => {
    const release = holdWriteLock(store.sqlite.writeLock);
    const done = commits.submit(request(A, ['x']));
    const share = { messages: 1, bytes: 'x'.length + 'profile-1'.length };
    expect(commits.uncommittedFor(A)).toEqual(share);
    // Taken from the queue and waiting for the store: still counted.
    await nextTurn();
    await nextTurn();
    expect(commits.uncommittedFor(A)).toEqual(share);
    // When the outbox announces the commit it counts the message already, and the group commit still does.
    const seenAtCommit: number[][] = [];
    store.outbox.arrived$.subscribe(() => seenAtCommit.push([store.outbox.pendingCount(A), commits.uncommittedFor(A).messages]));
    release();
    await done;
    expect(seenAtCommit).toEqual([[1, 1]]);
    expect(commits.uncommittedFor(A)).toEqual({ messages: 0, bytes: 0 });
  });

  it("shows a request's Idempotency-Key while it waits, and records its answer in the same commit as its messages", async () => {
    const release = holdWriteLock(store.sqlite.writeLock);
    const done = commits.submit(request(A, ['x'], 1000, '*:key-1'));
    const queued = commits.queuedKey('*:key-1');
    expect(queued).toMatchObject({ hash: 'hash-of-*:key-1', answer: { accepted: 1 } });
    expect(await keyRecorded('*:key-1')).toBeUndefined();
    release();
    await done;
    await expect(queued?.committed).resolves.toBeUndefined();
    expect(commits.queuedKey('*:key-1')).toBeUndefined();
    expect(await keyRecorded('*:key-1')).toEqual({
      request_hash: 'hash-of-*:key-1',
      status: 202,
      response: JSON.stringify({ accepted: 1 }),
      created_at: 1000,
    });
  });

  it("answers a request the store refused at commit with its claim's refusal, the others of its group with 202, none left waiting", async () => {
    const refusal = new LimitExceededError('busy', { name: 'SITE_MAX_BACKLOG', max: 2, actual: 3 }, 'over', [], 30);
    const claim = { scope: 'site:1', connectorIds: [A], messages: 2, bytes: 0, maxMessages: 2, maxBytes: Number.MAX_SAFE_INTEGER };
    store.outbox.committed(
      (await store.outbox.commitGroup([{ messages: request(A, ['stored']).routed.messages, acceptedAt: 1 }])).appended,
    );
    const answers = await Promise.allSettled([
      commits.submit({ ...request(A, ['a', 'b']), claims: [{ ...claim, refusal: () => refusal }] }),
      commits.submit(request(B, ['c'])),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'fulfilled']);
    expect((answers[0] as PromiseRejectedResult).reason).toBe(refusal);
    expect(notified.map((committed) => committed.routed.messages[0].connectorId)).toEqual([B]);
    expect([store.outbox.pendingCount(A), store.outbox.pendingCount(B)]).toEqual([1, 1]);
    expect(commits.uncommittedFor(A)).toEqual({ messages: 0, bytes: 0 });
  });

  it('answers every request of a committed group even when making one answer throws', async () => {
    const broken = { scope: 'site:1', connectorIds: [A], messages: 1, bytes: 0, maxMessages: 0, maxBytes: 0 };
    const answers = await Promise.allSettled([
      commits.submit({
        ...request(A, ['a']),
        claims: [
          {
            ...broken,
            refusal: () => {
              throw new Error('no refusal to give');
            },
          },
        ],
      }),
      commits.submit(request(B, ['b'])),
    ]);
    expect((answers[0] as PromiseRejectedResult).reason).toBeInstanceOf(RetryLaterError);
    expect(answers[1].status).toBe('fulfilled');
  });
});
