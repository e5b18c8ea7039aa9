import { Logger } from '@nestjs/common';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeOnPostgres, STORE_ENGINES } from '../../../../../test/support/postgres.js';
import { A, B, StoreUnderTest } from '../../../../../test/support/store-under-test.js';
import { type BacklogClaim, refusedClaims } from './backlog-claim.js';
import type { IntakeRecord, NewMessage } from './outbox-store.js';

beforeAll(() => Logger.overrideLogger(false));

const message = (connectorId: string, key: string): NewMessage => ({
  connectorId,
  partitionKey: key,
  sourceId: 'src',
  body: `{"p":"${key}"}`,
});
const claim = (messages: number, maxMessages: number, scope = 'site:1'): BacklogClaim => ({
  scope,
  connectorIds: [A, B],
  messages,
  bytes: 0,
  maxMessages,
  maxBytes: Number.MAX_SAFE_INTEGER,
});
const request = (messages: NewMessage[], claims: BacklogClaim[], key?: string): IntakeRecord => ({
  messages,
  claims,
  acceptedAt: Date.now(),
  idempotency: key === undefined ? undefined : { key, hash: 'h', answer: { accepted: messages.length } },
});

describe('refusedClaims', () => {
  it('takes requests in order, counting what earlier ones add (claiming or not) and nothing of a refused one', () => {
    const stored = { [A]: { messages: 3, bytes: 30 } } as Record<string, { messages: number; bytes: number }>;
    const refused = refusedClaims(
      [
        request([message(B, 'unclaimed')], []),
        request([message(B, 'q1'), message(B, 'q2')], [claim(2, 5)]),
        request([message(A, 'q3')], [claim(1, 5)]),
      ],
      (id) => stored[id] ?? { messages: 0, bytes: 0 },
    );
    // 3 stored + 1 unclaimed + 2 = 6 > 5: refused; then 3 + 1 + 1 = 5 fits.
    expect([...refused]).toEqual([[1, { claim: 0, held: { messages: 4, bytes: 30 + Buffer.byteLength('{"p":"unclaimed"}unclaimed') } }]]);
  });

  it('names the first claim that does not fit, skips requests that store nothing, and reads nothing without claims', () => {
    const reads: string[] = [];
    const stored = (id: string) => {
      reads.push(id);
      return { messages: 4, bytes: 0 };
    };
    expect(refusedClaims([request([message(A, 'x')], [])], stored).size).toBe(0);
    expect(reads).toEqual([]);
    const twoClaims = [claim(2, 100, 'site:1'), { ...claim(2, 6, 'connector:a'), connectorIds: [A] }];
    const group = [request([message(A, 'x'), message(A, 'y')], twoClaims), request([message(A, 'z')], twoClaims)];
    // A holds 4 and B 4: the site's 8 + 2 fits in 100, the connector's 4 + 2 in 6, when the first stores nothing;
    // if it stored its two, the connector's 6 + 2 would not.
    expect(refusedClaims(group, stored, new Set([0])).size).toBe(0);
    expect([...refusedClaims(group, stored).keys()]).toEqual([1]);
    expect(refusedClaims([request([message(A, 'x')], twoClaims)], () => ({ messages: 5, bytes: 0 })).get(0)?.claim).toBe(1);
  });
});

describe.each(STORE_ENGINES)('claims verified at commit on %s', (engine) => {
  let store: StoreUnderTest;
  beforeEach(async () => {
    store = await StoreUnderTest.create(engine);
  });
  afterEach(() => store.remove());

  it('refuses a request past its claim whole, stores the rest of its group, and leaves its Idempotency-Key free', async () => {
    const first = await store.outbox.commitGroup([request([message(A, 'p1'), message(A, 'p2'), message(A, 'p3')], [])]);
    store.outbox.committed(first.appended);
    const group = await store.outbox.commitGroup([
      request([message(B, 'q1')], [claim(1, 5)]),
      request([message(B, 'q2'), message(B, 'q3')], [claim(2, 5)], '*:refused'),
      request([message(A, 'q4')], [claim(1, 5)]),
    ]);
    store.outbox.committed(group.appended);
    expect([...group.refused.keys()]).toEqual([1]);
    expect(group.refused.get(1)?.held.messages).toBe(4);
    const keys = async (connectorId: string) => [...(await store.outbox.head(connectorId, 100, 1))].map((m) => m.partition_key);
    expect(await keys(A)).toEqual(['p1', 'p2', 'p3', 'q4']);
    expect(await keys(B)).toEqual(['q1']);
    expect(store.outbox.pendingCount(A) + store.outbox.pendingCount(B)).toBe(5);
    expect(await store.engineStore.idempotency().lookup('*:refused', 0)).toBeUndefined();
  });
});

describeOnPostgres('claims across instances on one PostgreSQL', () => {
  let store: StoreUnderTest;
  let other: StoreUnderTest;
  beforeEach(async () => {
    store = await StoreUnderTest.create('postgres');
    other = new StoreUnderTest(store.config);
    await other.open();
  });
  afterEach(async () => {
    await other.close();
    await store.remove();
  });

  it('never lets two instances both take the last room of a scope, whatever their counts say', async () => {
    for (let round = 0; round < 5; round++) {
      const held = round * 6;
      // Each instance's counts miss the other's commits; both claim 6 where 10 are left: one must be refused.
      const results = await Promise.all([
        store.outbox.commitGroup([
          request(
            Array.from({ length: 6 }, (_, i) => message(A, `a${round}-${i}`)),
            [claim(6, held + 10)],
          ),
        ]),
        other.outbox.commitGroup([
          request(
            Array.from({ length: 6 }, (_, i) => message(B, `b${round}-${i}`)),
            [claim(6, held + 10)],
          ),
        ]),
      ]);
      expect(results.map((result) => result.refused.size).sort()).toEqual([0, 1]);
      await store.outbox.recount();
      expect(store.outbox.pendingCount(A) + store.outbox.pendingCount(B)).toBe(held + 6);
    }
  });
});
