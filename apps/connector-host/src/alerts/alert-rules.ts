import type { AlertsConfig } from '../config/alerts.config.js';
import type { AlertStateChange, ConnectorAlertFacts } from '../store/alerts/alert-states.repository.js';

export const ALERT_TYPES = [
  'connector.failing',
  'connector.paused',
  'connector.recovered',
  'connector.disabled',
  'connector.dead_letters',
  'connector.backlog_capped',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/** What a connector's facts call for now: an alert (or, `type` absent, a silent change of its record). */
export interface AlertDecision {
  type?: AlertType;
  /** The record after it. */
  change: AlertStateChange;
  /** What the alert says beside the connector (all times ISO 8601). */
  details: Record<string, unknown>;
  /** Disable the connector (AUTO_DISABLE_AFTER), its backlog kept. */
  disable?: boolean;
  /** Forget its failure streak (enabled again after an automatic disabling). */
  forgetFailures?: boolean;
}

type Rules = Pick<AlertsConfig, 'failingAfterMs' | 'autoDisableAfterMs' | 'deadLetters' | 'windowMs'>;

const iso = (at: number | null | undefined) => (at === null || at === undefined ? null : new Date(at).toISOString());

/** The start of the ALERT_WINDOW `at` falls in (windows are aligned on the epoch, the same on every instance). */
export function windowOf(at: number, windowMs: number): number {
  return Math.floor(at / windowMs) * windowMs;
}

/**
 * The one alert a connector's facts call for now, if any: its state first (disabled, paused, failing, recovered),
 * then its window alerts (dead letters, backlog capped); the next look finds the next one. Pure: the facts and
 * `now` decide, so every instance would decide the same.
 */
export function nextAlert(facts: ConnectorAlertFacts, now: number, rules: Rules): AlertDecision | undefined {
  const alerted = facts.alerted ?? { state: 'ok' as const, since: 0, dead_letters_at: null, capped_at: null };
  const keep = { dead_letters_at: alerted.dead_letters_at, capped_at: alerted.capped_at };
  // A tenant's own disabling is no alert, and a disabled connector has nothing to alert.
  if (!facts.enabled) return undefined;
  if (alerted.state === 'disabled') return { change: { ...keep, state: 'ok', since: now }, details: {}, forgetFailures: true };
  const streak = facts.failingSince !== null && facts.failingSince > (facts.lastSuccessAt ?? 0) ? facts.failingSince : undefined;
  const failure = { failingSince: iso(streak), lastFailureAt: iso(facts.lastFailureAt), lastError: facts.lastError };
  if (streak !== undefined && rules.autoDisableAfterMs > 0 && now - streak >= rules.autoDisableAfterMs) {
    return {
      type: 'connector.disabled',
      change: { ...keep, state: 'disabled', since: now },
      details: { reason: `no delivery succeeded for ${Math.round((now - streak) / 1000)} s`, ...failure, backlogKept: true },
      disable: true,
    };
  }
  if (facts.pausedReason !== null) {
    if (alerted.state === 'paused') return windowAlert(facts, now, rules, alerted);
    const pausedAt = facts.pausedAt ?? now;
    return {
      type: 'connector.paused',
      change: { ...keep, state: 'paused', since: pausedAt },
      details: { pausedAt: iso(pausedAt), reason: facts.pausedReason, ...failure },
    };
  }
  if (streak !== undefined && now - streak >= rules.failingAfterMs) {
    if (alerted.state === 'failing') return windowAlert(facts, now, rules, alerted);
    return { type: 'connector.failing', change: { ...keep, state: 'failing', since: streak }, details: failure };
  }
  if ((alerted.state === 'failing' || alerted.state === 'paused') && (facts.lastSuccessAt ?? 0) > alerted.since) {
    return {
      type: 'connector.recovered',
      change: { ...keep, state: 'ok', since: facts.lastSuccessAt ?? now },
      details: { from: alerted.state, since: iso(alerted.since), lastSuccessAt: iso(facts.lastSuccessAt) },
    };
  }
  return windowAlert(facts, now, rules, alerted);
}

/** Dead letters past the threshold in this window, or intake refusals for the backlog cap: once per window each. */
function windowAlert(facts: ConnectorAlertFacts, now: number, rules: Rules, alerted: AlertStateChange): AlertDecision | undefined {
  const window = windowOf(now, rules.windowMs);
  if (
    rules.deadLetters > 0 &&
    facts.deadWindow === window &&
    facts.deadCount >= rules.deadLetters &&
    (alerted.dead_letters_at ?? -1) < window
  ) {
    return {
      type: 'connector.dead_letters',
      change: { ...alerted, dead_letters_at: now },
      details: {
        deadLetters: facts.deadCount,
        threshold: rules.deadLetters,
        windowStart: iso(window),
        windowSeconds: rules.windowMs / 1000,
      },
    };
  }
  const lastAlerted = alerted.capped_at ?? -Infinity;
  if (
    facts.cappedAt !== null &&
    facts.cappedAt > lastAlerted &&
    now - lastAlerted >= rules.windowMs &&
    now - facts.cappedAt < rules.windowMs
  ) {
    return {
      type: 'connector.backlog_capped',
      change: { ...alerted, capped_at: now },
      details: { lastRefusedAt: iso(facts.cappedAt), windowSeconds: rules.windowMs / 1000 },
    };
  }
  return undefined;
}
