import { describe, expect, it } from 'vitest';
import { RetryLaterError } from '../common/domain-errors.js';
import { BacklogCounters } from '../store/outbox/backlog-counters.js';
import { type GroupCommitted, type IntakeRecord, OutboxStore } from '../store/outbox/outbox-store.js';
import type { RouteResult } from './event-router.js';
import { GroupCommit } from './group-commit.js';
import { IntakeNotifications } from './intake-notifications.js';

/**
 * A hand-written store that refuses any transaction holding a message of a "poisoned" connector: the real stores
 * cannot be made to fail one request's rows on demand. Everything else a group commit does not use throws.
 */
class PoisonableOutbox extends OutboxStore {
  readonly counters = new BacklogCounters();
  readonly deliverable = this.counters;
  readonly transactions: number[] = [];
  readonly stored: string[] = [];

  async commitGroup(requests: readonly IntakeRecord[]): Promise<GroupCommitted> {
    this.transactions.push(requests.length);
    const messages = requests.flatMap((request) => request.messages);
    if (messages.some((message) => message.connectorId === 'poisoned')) throw new Error('Invalid string length');
    this.stored.push(...messages.map((message) => message.body));
    return { appended: [], earlier: new Map() };
  }
  committed(): void {}
  head(): never {
    throw new Error('not used');
  }
  settleAll(): never {
    throw new Error('not used');
  }
  expire(): never {
    throw new Error('not used');
  }
  replay(): never {
    throw new Error('not used');
  }
  find(): never {
    throw new Error('not used');
  }
  oldestAcceptedAt(): never {
    throw new Error('not used');
  }
  recount(): never {
    throw new Error('not used');
  }
}

const routed = (connectorId: string, body: string): RouteResult => ({
  messages: [{ connectorId, partitionKey: 'p', sourceId: null, body }],
  skipped: {},
  connectors: new Map([[connectorId, 'fake']]),
  skips: [],
});

describe('GroupCommit', () => {
  it("commits requests of one turn together, and when that fails, each alone: one request's failure is never another's", async () => {
    const outbox = new PoisonableOutbox();
    const commits = new GroupCommit(outbox, new IntakeNotifications());
    const submit = (connectorId: string, body: string) =>
      commits.submit({
        routed: routed(connectorId, body),
        shares: new Map([[connectorId, { messages: 1, bytes: body.length }]]),
        events: 1,
        acceptedAt: 1,
      });
    const answers = await Promise.allSettled([submit('a', 'one'), submit('poisoned', 'two'), submit('b', 'three')]);
    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((answers[1] as PromiseRejectedResult).reason).toBeInstanceOf(RetryLaterError);
    expect(outbox.stored).toEqual(['one', 'three']);
    // One transaction for the group, then one per request.
    expect(outbox.transactions).toEqual([3, 1, 1, 1]);

    // Healthy groups keep sharing one transaction.
    await Promise.all([submit('a', 'four'), submit('b', 'five')]);
    expect(outbox.transactions.slice(4)).toEqual([2]);
  });

  it('counts a request as uncommitted from its submit until its commit settled, so caps never miss a group in commit', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    class GatedOutbox extends PoisonableOutbox {
      override async commitGroup(requests: readonly IntakeRecord[]): Promise<GroupCommitted> {
        await gate;
        return super.commitGroup(requests);
      }
      override committed(): void {
        seenAtCommitted.push(commits.uncommittedFor('a').messages);
      }
    }
    const seenAtCommitted: number[] = [];
    const outbox = new GatedOutbox();
    const commits = new GroupCommit(outbox, new IntakeNotifications());
    const done = commits.submit({
      routed: routed('a', 'x'),
      shares: new Map([['a', { messages: 1, bytes: 40 }]]),
      events: 1,
      acceptedAt: 1,
    });
    expect(commits.uncommittedFor('a')).toEqual({ messages: 1, bytes: 40 });
    // Taken from the queue and inside the store's transaction: still counted.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(outbox.transactions).toEqual([]);
    expect(commits.uncommittedFor('a')).toEqual({ messages: 1, bytes: 40 });
    open();
    await done;
    // The outbox counted it before the group commit let go of it: no moment counts it nowhere.
    expect(seenAtCommitted).toEqual([1]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(commits.uncommittedFor('a')).toEqual({ messages: 0, bytes: 0 });
  });
});
