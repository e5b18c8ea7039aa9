import { describe, expect, it } from 'vitest';
import type { ConnectorAlertFacts } from '../store/alerts/alert-states.repository.js';
import { nextAlert } from './alert-rules.js';

const MIN = 60_000;
const rules = { failingAfterMs: 10 * MIN, autoDisableAfterMs: 3 * 24 * 60 * MIN, deadLetters: 100, windowMs: 60 * MIN, retryMaxMs: 30_000 };
const T = Date.UTC(2026, 11, 4, 10, 0, 0);

function facts(overrides: Partial<ConnectorAlertFacts> = {}): ConnectorAlertFacts {
  return {
    id: 'c1',
    name: 'Orders',
    type: 'kinesis',
    siteNumber: 7,
    enabled: true,
    pausedReason: null,
    pausedAt: null,
    deliveryPolicy: null,
    lastSuccessAt: T - 60 * MIN,
    failingSince: null,
    lastFailureAt: null,
    lastError: null,
    cappedAt: null,
    deadWindow: null,
    deadCount: 0,
    ...overrides,
  };
}
const alerted = (state: 'ok' | 'failing' | 'paused' | 'disabled', since: number, more = {}) => ({
  alerted: { state, seq: 3, since, dead_letters_at: null, capped_at: null, ...more },
});

describe('nextAlert', () => {
  it('says nothing of a healthy connector, nor of one failing for less than ALERT_FAILING_AFTER', () => {
    expect(nextAlert(facts(), T, rules)).toBeUndefined();
    expect(nextAlert(facts({ failingSince: T - 9 * MIN, lastFailureAt: T }), T, rules)).toBeUndefined();
  });

  it('calls a connector failing once its attempts had no success for ALERT_FAILING_AFTER, with when and why', () => {
    const failing = facts({
      failingSince: T - 10 * MIN,
      lastFailureAt: T - 1000,
      lastError: { code: 'ServiceUnavailable', message: '503' },
    });
    expect(nextAlert(failing, T, rules)).toEqual({
      type: 'connector.failing',
      change: { state: 'failing', since: T - 10 * MIN, dead_letters_at: null, capped_at: null },
      details: {
        failingSince: new Date(T - 10 * MIN).toISOString(),
        lastFailureAt: new Date(T - 1000).toISOString(),
        lastError: { code: 'ServiceUnavailable', message: '503' },
      },
    });
    // Once per state change: already alerted as failing, nothing more.
    expect(nextAlert({ ...failing, ...alerted('failing', T - 10 * MIN) }, T + MIN, rules)).toBeUndefined();
  });

  it('does not hold a streak that a later success ended against the connector', () => {
    expect(nextAlert(facts({ failingSince: T - 20 * MIN, lastSuccessAt: T - 5 * MIN }), T, rules)).toBeUndefined();
  });

  it('calls it recovered at its first success after the streak, once', () => {
    const recovered = facts({ failingSince: T - 20 * MIN, lastSuccessAt: T - 1000, ...alerted('failing', T - 20 * MIN) });
    const decision = nextAlert(recovered, T, rules);
    expect(decision?.type).toBe('connector.recovered');
    expect(decision?.change).toMatchObject({ state: 'ok', since: T - 1000 });
    expect(decision?.details).toEqual({
      from: 'failing',
      since: new Date(T - 20 * MIN).toISOString(),
      lastSuccessAt: new Date(T - 1000).toISOString(),
    });
    expect(nextAlert({ ...recovered, ...alerted('ok', T - 1000) }, T, rules)).toBeUndefined();
  });

  it('calls a paused connector paused with its reason, and recovered once it delivers after being resumed', () => {
    const paused = facts({ pausedReason: 'ResourceNotFoundException: stream gone', pausedAt: T - MIN, failingSince: T - 2 * MIN });
    expect(nextAlert(paused, T, rules)).toMatchObject({
      type: 'connector.paused',
      change: { state: 'paused', since: T - MIN },
      details: { reason: 'ResourceNotFoundException: stream gone', pausedAt: new Date(T - MIN).toISOString() },
    });
    expect(nextAlert({ ...paused, ...alerted('paused', T - MIN) }, T, rules)).toBeUndefined();
    // Resumed, nothing sent yet: still as alerted. Then a success: recovered from paused.
    const resumed = { ...paused, pausedReason: null, pausedAt: null, failingSince: null, ...alerted('paused', T - MIN) };
    expect(nextAlert(resumed, T, rules)).toBeUndefined();
    expect(nextAlert({ ...resumed, lastSuccessAt: T }, T + 1, rules)).toMatchObject({
      type: 'connector.recovered',
      details: { from: 'paused' },
    });
  });

  it('disables a connector failing for AUTO_DISABLE_AFTER, paused or still trying, and finishes a disabling not done', async () => {
    const since = T - rules.autoDisableAfterMs;
    const paused = facts({ lastSuccessAt: null, failingSince: since, pausedReason: 'x: y', pausedAt: since, ...alerted('paused', since) });
    expect(nextAlert(paused, T, rules)).toMatchObject({
      type: 'connector.disabled',
      disable: true,
      change: { state: 'disabled' },
      details: { backlogKept: true },
    });
    const trying = facts({ lastSuccessAt: null, failingSince: since, lastFailureAt: T - 1000 });
    expect(nextAlert(trying, T, rules)?.type).toBe('connector.disabled');
    // Disabled by its tenant: no alert at all. Recorded as disabled by the host yet enabled: disabled, silently.
    expect(nextAlert({ ...trying, enabled: false }, T, rules)).toBeUndefined();
    expect(nextAlert({ ...trying, ...alerted('disabled', T - MIN) }, T, rules)).toEqual({
      change: { state: 'disabled', since: T - MIN, dead_letters_at: null, capped_at: null },
      details: {},
      disable: true,
    });
  });

  it('holds no streak against a connector whose attempts stopped (its backlog expired): neither failing nor disabled', () => {
    const idle = facts({ lastSuccessAt: null, failingSince: T - 4 * 24 * 60 * MIN, lastFailureAt: T - 2 * 24 * 60 * MIN });
    expect(nextAlert(idle, T, rules)).toBeUndefined();
    // Still trying within two refreshes (a minute each at most) and its longest back-off: failing.
    const recently = (lastFailureAt: number) => ({ ...idle, failingSince: T - 20 * MIN, lastFailureAt });
    expect(nextAlert(recently(T - 150_000), T, rules)?.type).toBe('connector.failing');
    expect(nextAlert(recently(T - 150_001), T, rules)).toBeUndefined();
    expect(nextAlert(recently(T - 50 * MIN), T, { ...rules, retryMaxMs: 3_600_000 })?.type).toBe('connector.failing');
  });

  it('alerts a pause after a resume that brought no success again', () => {
    const again = facts({
      pausedReason: 'HTTP_401: refused',
      pausedAt: T - MIN,
      failingSince: T - 20 * MIN,
      ...alerted('paused', T - 10 * MIN),
    });
    expect(nextAlert(again, T, rules)).toMatchObject({ type: 'connector.paused', change: { since: T - MIN } });
  });

  it('calls out dead letters past the threshold once per window, the last window too if it was not alerted', async () => {
    const window = T; // T is on the hour
    const dead = facts({ deadWindow: window, deadCount: 100 });
    expect(nextAlert(facts({ deadWindow: window, deadCount: 99 }), T + MIN, rules)).toBeUndefined();
    expect(nextAlert(dead, T + MIN, rules)).toMatchObject({
      type: 'connector.dead_letters',
      change: { dead_letters_at: window, state: 'ok' },
      details: { deadLetters: 100, threshold: 100, windowSeconds: 3600, windowStart: new Date(window).toISOString() },
    });
    expect(nextAlert({ ...dead, ...alerted('ok', 0, { dead_letters_at: window }) }, T + 2 * MIN, rules)).toBeUndefined();
    // Crossed in the last moments of its window: alerted in the next one, once; never from two windows back.
    expect(nextAlert(dead, T + 61 * MIN, rules)?.type).toBe('connector.dead_letters');
    expect(nextAlert({ ...dead, ...alerted('ok', 0, { dead_letters_at: window }) }, T + 61 * MIN, rules)).toBeUndefined();
    expect(nextAlert(dead, T + 121 * MIN, rules)).toBeUndefined();
    const next = { ...dead, deadWindow: T + 60 * MIN, ...alerted('ok', 0, { dead_letters_at: window }) };
    expect(nextAlert(next, T + 61 * MIN, rules)?.type).toBe('connector.dead_letters');
  });

  it('calls out refusals for the backlog cap at most once per window', () => {
    const capped = facts({ cappedAt: T - 1000 });
    expect(nextAlert(capped, T, rules)).toMatchObject({ type: 'connector.backlog_capped', change: { capped_at: T } });
    expect(nextAlert({ ...capped, cappedAt: T + MIN, ...alerted('ok', 0, { capped_at: T }) }, T + 2 * MIN, rules)).toBeUndefined();
    expect(nextAlert({ ...capped, cappedAt: T + 61 * MIN, ...alerted('ok', 0, { capped_at: T }) }, T + 61 * MIN, rules)?.type).toBe(
      'connector.backlog_capped',
    );
    // Refusals older than a window are past.
    expect(nextAlert(facts({ cappedAt: T - 61 * MIN }), T, rules)).toBeUndefined();
  });
});
