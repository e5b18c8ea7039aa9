import { type AlertsConfig, attemptsStaleMs } from '../config/alerts.config.js';
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
}

/** The alert settings, and the host's longest retry back-off (how long a failing connector may go without an attempt). */
export type AlertRules = Pick<AlertsConfig, 'failingAfterMs' | 'autoDisableAfterMs' | 'deadLetters' | 'windowMs'> & { retryMaxMs: number };

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
export function nextAlert(facts: ConnectorAlertFacts, now: number, rules: AlertRules): AlertDecision | undefined {
  const alerted = facts.alerted ?? { state: 'ok' as const, since: 0, dead_letters_at: null, capped_at: null };
  const keep = { dead_letters_at: alerted.dead_letters_at, capped_at: alerted.capped_at };
  // A tenant's own disabling is no alert, and a disabled connector has nothing to alert. (Enabling it again resets
  // its record and its failure streak: setups/connector-setups.service.ts.)
  if (!facts.enabled) return undefined;
  // Recorded as disabled by the host, yet enabled: the disabling was recorded and not done (a crash between the two).
  if (alerted.state === 'disabled') return { change: { ...keep, state: 'disabled', since: alerted.since }, details: {}, disable: true };
  const streak = failingStreak(facts, now, rules);
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
    const pausedAt = facts.pausedAt ?? now;
    // Alerted for this pause already; a pause after a resume that brought no success is a new one.
    if (alerted.state === 'paused' && pausedAt <= alerted.since) return windowAlert(facts, now, rules, alerted);
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

/**
 * When the connector's current failure streak began: failures after its last success, while it keeps trying (a
 * paused connector counts as trying: its pause is the failure). Undefined: no streak, or one whose attempts stopped
 * (its backlog expired, nothing more was sent): not held against it, neither to alert nor to disable.
 */
function failingStreak(facts: ConnectorAlertFacts, now: number, rules: AlertRules): number | undefined {
  if (facts.failingSince === null || facts.failingSince <= (facts.lastSuccessAt ?? 0)) return undefined;
  const staleAfter = attemptsStaleMs(rules.failingAfterMs, rules.retryMaxMs);
  const trying = facts.pausedReason !== null || now - (facts.lastFailureAt ?? 0) <= staleAfter;
  return trying ? facts.failingSince : undefined;
}

/** Dead letters past the threshold within a window, or intake refusals for the backlog cap: once per window each. */
function windowAlert(facts: ConnectorAlertFacts, now: number, rules: AlertRules, alerted: AlertStateChange): AlertDecision | undefined {
  // This window's count, or the last one's (crossed in its last moments, or while no instance looked): once each.
  const window = facts.deadWindow ?? -Infinity;
  const recent = window >= windowOf(now, rules.windowMs) - rules.windowMs;
  if (rules.deadLetters > 0 && recent && facts.deadCount >= rules.deadLetters && (alerted.dead_letters_at ?? -Infinity) < window) {
    return {
      type: 'connector.dead_letters',
      change: { ...alerted, dead_letters_at: window }, // the window alerted for
      details: {
        deadLetters: facts.deadCount,
        threshold: rules.deadLetters,
        windowStart: iso(window),
        windowSeconds: rules.windowMs / 1000,
      },
    };
  }
  const lastAlerted = alerted.capped_at ?? -Infinity;
  const cappedAt = facts.cappedAt ?? -Infinity;
  if (cappedAt > lastAlerted && now - lastAlerted >= rules.windowMs && now - cappedAt < rules.windowMs) {
    return {
      type: 'connector.backlog_capped',
      change: { ...alerted, capped_at: now },
      details: { lastRefusedAt: iso(cappedAt), windowSeconds: rules.windowMs / 1000 },
    };
  }
  return undefined;
}
