import { describe, expect, it } from 'vitest';
import type { PendingMessage } from '../store/outbox/outbox-store.js';
import { fullJitterDelay } from './backoff.js';
import { settleOutcomes } from './settle-outcomes.js';

const policy = { retryBaseMs: 100, retryMaxMs: 10_000, maxMessageAgeMs: 60_000 };
const message = (seq: number, overrides: Partial<PendingMessage> = {}): PendingMessage => ({
  seq,
  connector_id: 'c',
  partition: 0,
  partition_key: `k${seq}`,
  body: '{}',
  accepted_at: 0,
  attempts: 0,
  next_attempt_at: 0,
  source_id: null,
  ...overrides,
});
const throttled = {
  status: 'retryable',
  reason: { code: 'ProvisionedThroughputExceededException', message: 'slow down', throttled: true },
} as const;

describe('settleOutcomes', () => {
  it('removes delivered messages, reschedules only the retryable ones, dead-letters the rejected ones', () => {
    const batch = [message(1), message(2), message(3)];
    const settlement = settleOutcomes(
      batch,
      [{ status: 'delivered' }, throttled, { status: 'rejected', reason: { code: 'AccessDeniedException', message: 'no' } }],
      1000,
      policy,
      () => 0.5,
    );
    expect(settlement).toEqual({
      delivered: [1],
      removed: [],
      retry: [
        { seq: 2, nextAttemptAt: 1000 + 100, code: 'ProvisionedThroughputExceededException', message: 'slow down', category: 'throttled' },
      ],
      dead: [{ seq: 3, code: 'AccessDeniedException', message: 'no', category: 'other' }],
      throttled: 1,
      destinationFailures: 0,
      timedOut: 0,
      lastFailure: { code: 'AccessDeniedException', message: 'no' },
    });
  });

  it('keeps messages refused because of the set-up (not dead-lettered) and counts them', () => {
    const gone = {
      status: 'rejected',
      reason: { code: 'ResourceNotFoundException', message: 'stream gone', scope: 'destination' },
    } as const;
    const settlement = settleOutcomes([message(1), message(2)], [gone, gone], 1000, policy, () => 0.5);
    expect(settlement.dead).toEqual([]);
    expect(settlement.retry.map((retry) => retry.seq)).toEqual([1, 2]);
    expect(settlement.destinationFailures).toBe(2);
  });

  it('backs off exponentially with the attempt count', () => {
    const settlement = settleOutcomes([message(1, { attempts: 4 })], [throttled], 0, policy, () => 0.5);
    expect(settlement.retry[0].nextAttemptAt).toBe(Math.floor(0.5 * 100 * 2 ** 5));
  });

  it('dead-letters a retryable message past its maximum age, keeping the last error', () => {
    const settlement = settleOutcomes([message(1, { accepted_at: 0 })], [throttled], 60_000, policy);
    expect(settlement.retry).toEqual([]);
    expect(settlement.dead).toEqual([
      {
        seq: 1,
        code: 'MaxAgeExceeded',
        message: expect.stringContaining('ProvisionedThroughputExceededException'),
        category: 'throttled',
      },
    ]);
  });

  it('retries a message the connector returned no outcome for, instead of losing it', () => {
    const settlement = settleOutcomes([message(1), message(2)], [{ status: 'delivered' }], 0, policy, () => 0);
    expect(settlement.delivered).toEqual([1]);
    expect(settlement.retry).toEqual([
      { seq: 2, nextAttemptAt: 1, code: 'MissingOutcome', message: expect.any(String), category: 'other' },
    ]);
  });

  it('names the delivered REMOVED messages and the category of each failure, for the statistics', () => {
    const body = (callType: string) => JSON.stringify({ profileId: 'p', sourceId: 's', partnerNumber: 1, callType });
    const denied = {
      status: 'rejected',
      reason: { code: 'X', message: 'no', category: 'invalid_credentials', scope: 'destination' },
    } as const;
    const settlement = settleOutcomes(
      [message(1, { body: body('REMOVED') }), message(2, { body: body('NEW') }), message(3, { body: body('REMOVED') })],
      [{ status: 'delivered' }, { status: 'delivered' }, denied],
      1000,
      policy,
    );
    expect(settlement.removed).toEqual([1]);
    expect(settlement.retry.map((retry) => retry.category)).toEqual(['invalid_credentials']);
  });
});

describe('fullJitterDelay', () => {
  it('stays between 0 and min(cap, base * 2^attempt)', () => {
    expect(fullJitterDelay(3, 100, 10_000, () => 0)).toBe(0);
    expect(fullJitterDelay(3, 100, 10_000, () => 0.999999)).toBe(799);
    expect(fullJitterDelay(30, 100, 10_000, () => 0.999999)).toBe(9999);
    expect(fullJitterDelay(10_000, 100, 10_000, () => 0.5)).toBe(5000);
  });
});

describe('settleOutcomes and Retry-After', () => {
  it('never retries sooner than the destination asked, and keeps its own backoff when that is longer', () => {
    const asked = { status: 'retryable', reason: { code: 'HTTP_429', message: 'slow down', throttled: true, retryAfterMs: 5000 } } as const;
    const [soon] = settleOutcomes([message(1)], [asked], 1000, policy, () => 0.5).retry;
    expect(soon.nextAttemptAt).toBe(1000 + 5000);
    const late = settleOutcomes(
      [message(2, { attempts: 20 })],
      [{ ...asked, reason: { ...asked.reason, retryAfterMs: 10 } }],
      1000,
      policy,
      () => 0.9,
    ).retry[0];
    expect(late.nextAttemptAt).toBe(1000 + fullJitterDelay(21, policy.retryBaseMs, policy.retryMaxMs, () => 0.9));
  });
});
