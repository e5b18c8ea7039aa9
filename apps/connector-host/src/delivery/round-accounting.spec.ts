import { describe, expect, it, vi } from 'vitest';
import type { HostConfig } from '../config/host.config.js';
import { RoundAccounting } from './round-accounting.js';
import type { RoundResult } from './settle-outcomes.js';

const config = {
  pauseAfterFailures: 3,
  retryBaseMs: 100,
  retryMaxMs: 1000,
  stallAfterTimeouts: 3,
  stalledCallBudgetMs: 500,
  stalledPauseAfterMs: 60_000,
} as HostConfig['delivery'];
const reason = { code: 'AccessDeniedException', message: 'denied', scope: 'destination' as const };
const brokenSetUp = (size: number): RoundResult => ({
  delivered: [],
  retry: Array.from({ length: size }, (_, seq) => ({ seq, nextAttemptAt: 0, code: reason.code, message: reason.message })),
  dead: [],
  throttled: 0,
  destinationFailures: size,
  timedOut: 0,
  lastFailure: reason,
});
const timeout = { code: 'RequestTimeout', message: 'the receiver did not answer in time', timedOut: true };
const timedOut = (size: number): RoundResult => ({
  delivered: [],
  retry: Array.from({ length: size }, (_, seq) => ({ seq, nextAttemptAt: 0, code: timeout.code, message: timeout.message })),
  dead: [],
  throttled: 0,
  destinationFailures: 0,
  timedOut: size,
  lastFailure: timeout,
});

describe('RoundAccounting', () => {
  it('pauses after the configured rounds failing on the set-up, holding off after each, and counts afresh once resumed', () => {
    const accounting = new RoundAccounting(config);
    expect(accounting.record(brokenSetUp(2), 2, 1).pause).toBeUndefined();
    expect(accounting.record(brokenSetUp(2), 2, 2).holdMs).toBeGreaterThanOrEqual(0);
    expect(accounting.record(brokenSetUp(2), 2, 3).pause).toEqual(reason);
    expect(accounting.status).toMatchObject({ failingRounds: 3, lastError: { code: 'AccessDeniedException', at: 3 } });
    accounting.resumed();
    expect(accounting.record(brokenSetUp(2), 2, 4).pause).toBeUndefined();
  });

  it('a round that delivered resets the failures and asks for no hold', () => {
    const accounting = new RoundAccounting(config);
    accounting.record(brokenSetUp(1), 1, 1);
    const verdict = accounting.record({ delivered: [1], retry: [], dead: [], throttled: 0, destinationFailures: 0, timedOut: 0 }, 1, 5);
    expect(verdict).toEqual({});
    expect(accounting.status).toMatchObject({ failingRounds: 0, lastSuccessAt: 5 });
  });

  it('opens the breaker after calls that only time out, closes it on an answer, and pauses if it stays open', () => {
    const accounting = new RoundAccounting(config);
    accounting.record(timedOut(4), 4, 1_000);
    accounting.record(timedOut(4), 4, 2_000);
    expect(accounting.stalled).toBe(false);
    accounting.record(timedOut(4), 4, 3_000);
    expect(accounting.status.stalledSince).toBe(3_000);
    // A call where one message got an answer (even a refusal) is not a stalled destination.
    const answered = { ...timedOut(4), timedOut: 3 };
    accounting.record(answered, 4, 4_000);
    expect(accounting.stalled).toBe(false);
    for (let call = 0; call < 3; call++) accounting.record(timedOut(1), 1, 10_000 + call);
    expect(accounting.status.stalledSince).toBe(10_002);
    expect(accounting.record(timedOut(1), 1, 60_000).pause).toBeUndefined();
    const verdict = accounting.record(timedOut(1), 1, 70_002);
    expect(verdict.pause).toMatchObject({ code: 'DestinationStalled', scope: 'destination' });
    expect(verdict.pause?.message).toMatch(/no answer within 500 ms for 60 s/);
    accounting.resumed();
    expect(accounting.stalled).toBe(false);
  });

  it('backs a connector whose round got nothing through off on its own retry schedule when it has one', () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.99);
    try {
      // Host: base 100, at most 1000; the tenant's policy: 5 s from the first retry on.
      expect(new RoundAccounting(config).record(brokenSetUp(1), 1, 1).holdMs).toBe(198);
      expect(new RoundAccounting(config).record(brokenSetUp(1), 1, 1, { retryBaseMs: 5000, retryMaxMs: 5000 }).holdMs).toBe(4950);
    } finally {
      random.mockRestore();
    }
  });
});
