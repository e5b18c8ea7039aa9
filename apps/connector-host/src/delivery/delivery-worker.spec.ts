import { readHostConfig } from '../config/host.config.js';
import { HostTracing } from '../observability/host-tracing.js';
import { Logger } from '@nestjs/common';
import type { ConnectorInstance, DeliveryLimits, DeliveryMessage, DeliverOptions, FailureReason } from '@event-connectors/connector-sdk';
import { type FakeAnswer, FakeConnector, FakeDestinations, type FakeDestination } from '@event-connectors/connector-sdk/testing';
import type { Subscription } from 'rxjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { A, StoreUnderTest } from '../../../../test/support/store-under-test.js';
import type { HostConfig } from '../config/host.config.js';
import { MessageHistoryRepository } from '../store/history/message-history.repository.js';
import { CallSlots } from './call-slots.js';
import { DeadLetterQuota } from './dead-letter-quota.js';
import { DeliveryWorker } from './delivery-worker.js';
import { LingerPolicy } from './linger-policy.js';
import { SettlementBatcher } from './settlement-batcher.js';
import { connectorRow } from '../../../../test/support/connector-row.js';

beforeAll(() => Logger.overrideLogger(false));

// Short retries and polls, no linger (LingerPolicy(0, 0)): a loop sends as soon as it may.
const delivery: HostConfig['delivery'] = {
  thread: false,
  lingerMs: 0,
  maxLingerMs: 0,
  maxInFlight: 3,
  maxCalls: 8,
  maxCallsPerSite: 8,
  callBudgetMs: 30_000,
  stallAfterTimeouts: 3,
  stalledCallBudgetMs: 1000,
  stalledPauseAfterMs: 60_000,
  retryBaseMs: 5,
  retryMaxMs: 20,
  maxMessageAgeMs: 3_600_000,
  idlePollMs: 20,
  shutdownTimeoutMs: 1000,
  pauseAfterFailures: 3,
};
const row = connectorRow({ id: A, name: 'c' });
const unavailable = { status: 'retryable', reason: { code: 'ServiceUnavailable', message: 'try later' } } as const;
const rejectFirstOfP1: FakeAnswer = (message) =>
  message.body === 'p1#1' ? { status: 'rejected', reason: { code: 'InvalidRecord', message: 'malformed record' } } : undefined;

/**
 * The fake connector's instance, watched: which profiles its `deliver` calls carry while they run. No destination
 * records calls in flight, so this thin wrapper notes them; every call goes through to the real fake instance.
 */
class WatchedInstance implements ConnectorInstance {
  private readonly keysInFlight = new Set<string>();
  private callsInFlight = 0;
  /** Profiles that had a message offered while another of theirs was in flight. */
  readonly overlaps: string[] = [];
  mostCallsAtOnce = 0;

  readonly limits: DeliveryLimits;
  readonly check: ConnectorInstance['check'] = (context) => this.inner.check(context);
  readonly close: ConnectorInstance['close'] = () => this.inner.close();

  constructor(private readonly inner: ConnectorInstance) {
    this.limits = inner.limits;
  }

  async deliver(messages: readonly DeliveryMessage[], options?: DeliverOptions) {
    const keys = messages.map((message) => message.partitionKey);
    for (const key of keys) {
      if (this.keysInFlight.has(key)) this.overlaps.push(key);
      this.keysInFlight.add(key);
    }
    this.mostCallsAtOnce = Math.max(this.mostCallsAtOnce, ++this.callsInFlight);
    try {
      return await this.inner.deliver(messages, options);
    } finally {
      this.callsInFlight--;
      for (const key of keys) this.keysInFlight.delete(key);
    }
  }
}

describe('DeliveryWorker', () => {
  let store: StoreUnderTest;
  let destinations: FakeDestinations;
  let destination: FakeDestination;
  let linger: LingerPolicy;
  /** How many messages of each profile a test committed so far. */
  const ranks = new Map<string, number>();
  const running: { worker: DeliveryWorker; arrivals: Subscription }[] = [];

  beforeEach(async () => {
    store = await StoreUnderTest.create('sqlite');
    destinations = new FakeDestinations();
    destination = destinations.get('dest');
    linger = new LingerPolicy(0, 0);
    ranks.clear();
  });

  afterEach(async () => {
    for (const { worker, arrivals } of running.splice(0)) {
      arrivals.unsubscribe();
      await worker.stop();
    }
    linger.close();
    await store.remove();
  });

  /** A started loop for connector A, wired as DeliveryService wires it (its pause persists nothing: it updates the loop). */
  function startWorker(
    options: { limits?: Partial<DeliveryLimits>; config?: Partial<HostConfig['delivery']>; deadLettersPerSite?: number } = {},
  ) {
    const config = { ...delivery, ...options.config };
    const limits = { maxBatchMessages: 10, maxBatchBytes: 1_000_000, ...options.limits };
    const instance = new WatchedInstance(
      new FakeConnector({ destinations, limits }).open({ id: A, settings: { destination: 'dest', token: 'fake-token-1' } }),
    );
    const quotaConfig = { limits: { deadLettersPerSite: options.deadLettersPerSite ?? 1000, deadLetterBytesPerSite: 1e9 } } as HostConfig;
    const quota = new DeadLetterQuota(quotaConfig, store.deadLetters);
    const pauses: FailureReason[] = [];
    const worker = new DeliveryWorker(row, {
      outbox: store.outbox,
      ownership: store.ownership,
      leaseMarginMs: 1000,
      tracing: new HostTracing(readHostConfig({})),
      leaseTtlMs: 10_000,
      settle: new SettlementBatcher(store.outbox),
      slots: new CallSlots(config.maxCalls, config.maxCallsPerSite),
      linger,
      observe: () => undefined,
      instanceFor: () => instance,
      deadLetterQuota: quota,
      pause: async (_id, reason) => {
        pauses.push(reason);
        worker.update({ ...row, paused_reason: `${reason.code}: ${reason.message}`, paused_at: Date.now() });
      },
      config,
    });
    const arrivals = store.outbox.arrived$.subscribe((ids) => {
      if (ids.includes(A)) worker.arrived();
    });
    running.push({ worker, arrivals });
    worker.start();
    return { worker, instance, quota, pauses };
  }

  /** Commits one message per key for connector A, each body naming its key and its rank within the key (`p1#2`). */
  async function accept(...keys: string[]) {
    const messages = keys.map((key) => {
      ranks.set(key, (ranks.get(key) ?? 0) + 1);
      return { connectorId: A, partitionKey: key, sourceId: `source-${key}`, body: `${key}#${ranks.get(key)}` };
    });
    store.outbox.committed((await store.outbox.commitGroup([{ messages, acceptedAt: Date.now() }])).appended);
  }
  const stored = async () => [...(await store.outbox.head(A, 100, 1))];
  const until = <T>(check: () => T) => vi.waitFor(check, { timeout: 5000, interval: 5 });
  const drained = () => until(() => expect(store.outbox.pendingCount(A)).toBe(0));
  const offeredBodies = (key: string) => destination.offered.filter((message) => message.partitionKey === key).map((m) => m.body);
  const deadLetters = async () => (await store.deadLetters.page(A, 0, 100)).rows;

  it('delivers a backlog in each profile order and removes every delivered message from the outbox', async () => {
    await accept('p1', 'p2', 'p1', 'p3', 'p1', 'p2');
    const { worker } = startWorker();
    await drained();
    expect(destination.bodiesFor('p1')).toEqual(['p1#1', 'p1#2', 'p1#3']);
    expect(destination.bodiesFor('p2')).toEqual(['p2#1', 'p2#2']);
    expect(destination.bodiesFor('p3')).toEqual(['p3#1']);
    expect(destination.received).toHaveLength(6);
    expect(await stored()).toEqual([]);
    expect(await deadLetters()).toEqual([]);
    expect(worker.status).toMatchObject({ failingRounds: 0, lastSuccessAt: expect.any(Number) });
  });

  it('wakes from idle when told new messages were committed, and delivers them', async () => {
    startWorker();
    await accept('p1', 'p1');
    await drained();
    expect(destination.bodiesFor('p1')).toEqual(['p1#1', 'p1#2']);
  });

  it('retries a retryable outcome until delivered, holding the profile next message back meanwhile', async () => {
    let refusals = 0;
    destination.answerWith((message) => (message.body === 'p1#1' && refusals++ === 0 ? unavailable : undefined));
    await accept('p1', 'p2', 'p1');
    const { worker } = startWorker();
    await drained();
    expect(offeredBodies('p1')).toEqual(['p1#1', 'p1#1', 'p1#2']);
    expect(destination.bodiesFor('p1')).toEqual(['p1#1', 'p1#2']);
    expect(destination.bodiesFor('p2')).toEqual(['p2#1']);
    expect(await deadLetters()).toEqual([]);
    // The history records each of p1's messages with its attempts, newest message first, attempts oldest first.
    const history = new MessageHistoryRepository(store.database, store.outbox);
    const { items } = await history.search({ connectorId: A, profileId: 'p1', limit: 10 });
    expect(items.map((item) => [item.status, item.attempts.map((attempt) => attempt.outcome)])).toEqual([
      ['delivered', ['delivered']],
      ['delivered', ['retry', 'delivered']],
    ]);
    expect(items[1].attempts[0].error).toMatchObject({ code: 'ServiceUnavailable' });
    expect(worker.status.lastError).toMatchObject({ code: 'ServiceUnavailable' });
  });

  it('dead-letters a rejected message without retrying it, and goes on with the profile next message', async () => {
    destination.answerWith(rejectFirstOfP1);
    await accept('p1', 'p1');
    const { pauses } = startWorker();
    await drained();
    expect(await deadLetters()).toEqual([
      expect.objectContaining({ partition_key: 'p1', body: 'p1#1', error_code: 'InvalidRecord', attempts: 1 }),
    ]);
    expect(offeredBodies('p1')).toEqual(['p1#1', 'p1#2']);
    expect(destination.bodiesFor('p1')).toEqual(['p1#2']);
    expect(pauses).toEqual([]);
  });

  it('pauses once a dead letter brings its site to the quota, sends nothing while paused, and resumes with the rest', async () => {
    destination.answerWith(rejectFirstOfP1);
    await accept('p1', 'p1');
    const { worker, quota, pauses } = startWorker({ deadLettersPerSite: 1 });
    const quotaReads = vi.spyOn(quota, 'reached');
    await until(() => expect(pauses.map((reason) => reason.code)).toEqual(['DeadLetterQuota']));
    // Paused rounds go by (each asks the quota again), and none sends.
    await until(() => expect(quotaReads.mock.calls.length).toBeGreaterThanOrEqual(3));
    expect(destination.calls).toBe(1);
    expect((await stored()).map((message) => message.body)).toEqual(['p1#2']);
    worker.update(row);
    await drained();
    expect(destination.bodiesFor('p1')).toEqual(['p1#2']);
  });

  it('never has two messages of one profile in flight, even with calls overlapping', async () => {
    destination.latencyMs = 5;
    await accept(...Array.from({ length: 4 }, () => ['p1', 'p2', 'p3']).flat());
    const { instance } = startWorker({ limits: { maxBatchMessages: 2 }, config: { maxInFlight: 3 } });
    await drained();
    expect(instance.overlaps).toEqual([]);
    // The calls did overlap: holding the profiles in flight is what kept them apart.
    expect(instance.mostCallsAtOnce).toBeGreaterThanOrEqual(2);
    for (const key of ['p1', 'p2', 'p3']) expect(destination.bodiesFor(key)).toEqual([1, 2, 3, 4].map((rank) => `${key}#${rank}`));
    expect(destination.received).toHaveLength(12);
  });

  it('stops only once its call in flight is settled, and starts no other', async () => {
    destination.stall();
    await accept('p1', 'p2');
    const { worker } = startWorker({ limits: { maxBatchMessages: 1 }, config: { maxInFlight: 1 } });
    await until(() => expect(destination.stalledNow).toBe(1));
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    destination.answerAgain();
    await stopping;
    expect(destination.bodiesFor('p1')).toEqual(['p1#1']);
    expect(destination.calls).toBe(1);
    expect((await stored()).map((message) => message.body)).toEqual(['p2#1']);
  });

  it('ends its back-off from a failing destination when stopped, keeping the failed message stored for its retry', async () => {
    destination.failWith({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    await accept('p1');
    // Back-off and retry delays of up to an hour: only stop() can end the wait within the test's timeout.
    const { worker } = startWorker({ config: { retryBaseMs: 3_600_000, retryMaxMs: 3_600_000 } });
    await until(async () => expect((await stored())[0]?.attempts).toBe(1));
    await worker.stop();
    expect(destination.calls).toBe(1);
    const [kept] = await stored();
    expect(kept).toMatchObject({ body: 'p1#1', attempts: 1 });
    expect(kept.next_attempt_at).toBeGreaterThan(Date.now());
    expect(await deadLetters()).toEqual([]);
  });
});
