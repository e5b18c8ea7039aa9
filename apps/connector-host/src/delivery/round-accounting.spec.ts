import { describe, expect, it } from 'vitest';
import type { HostConfig } from '../config/host.config.js';
import { RoundAccounting } from './round-accounting.js';
import type { RoundResult } from './settle-outcomes.js';

const config = { pauseAfterFailures: 3, retryBaseMs: 100, retryMaxMs: 1000 } as HostConfig['delivery'];
const reason = { code: 'AccessDeniedException', message: 'denied', scope: 'destination' as const };
const brokenSetUp = (size: number): RoundResult => ({
  delivered: [],
  retry: Array.from({ length: size }, (_, seq) => ({ seq, nextAttemptAt: 0, code: reason.code, message: reason.message })),
  dead: [],
  throttled: 0,
  destinationFailures: size,
  lastFailure: reason,
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
    const verdict = accounting.record({ delivered: [1], retry: [], dead: [], throttled: 0, destinationFailures: 0 }, 1, 5);
    expect(verdict).toEqual({});
    expect(accounting.status).toMatchObject({ failingRounds: 0, lastSuccessAt: 5 });
  });
});
