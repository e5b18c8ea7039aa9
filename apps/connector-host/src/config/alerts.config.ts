import type { EnvReader } from './env-reader.js';

const DAY = 86_400_000;

/** Alerts to the platform (alerts/): where they go, and when a connector's trouble becomes one. */
export interface AlertsConfig {
  /** The platform's endpoint for Standard Webhooks; undefined: no alert is sent (states are still kept, auto-disable still runs). */
  url?: string;
  /** Its signing secret, `whsec_…` (checked by the webhook connector's form at boot). */
  secret?: string;
  /** Attempts without a success for this long make a connector `failing`. */
  failingAfterMs: number;
  /** Failing (or paused after failing) for this long disables a connector, its backlog kept; 0: never. */
  autoDisableAfterMs: number;
  /** This many dead letters within `windowMs` raise `connector.dead_letters`; 0: never. */
  deadLetters: number;
  /** The window of `connector.dead_letters` and `connector.backlog_capped`: one alert of each per connector at most per window. */
  windowMs: number;
  /** How often the instance that evaluates alerts looks at the connectors' facts. */
  checkEveryMs: number;
}

/**
 * ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET (both or neither), ALERT_FAILING_AFTER (10m), AUTO_DISABLE_AFTER (3d, 0:
 * never), ALERT_DEAD_LETTERS (100 per window, 0: never), ALERT_WINDOW (1h), ALERT_CHECK_INTERVAL (5s).
 */
export function readAlertsConfig(env: EnvReader): AlertsConfig {
  const url = env.url('ALERT_WEBHOOK_URL');
  const secret = env.string('ALERT_WEBHOOK_SECRET');
  if ((url === undefined) !== (secret === undefined))
    env.refuse('ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET go together: set both or neither');
  const failingAfterMs = env.duration('ALERT_FAILING_AFTER', 10 * 60_000, 100, 30 * DAY);
  const autoDisableAfterMs = env.duration('AUTO_DISABLE_AFTER', 3 * DAY, 0, 365 * DAY);
  if (autoDisableAfterMs > 0 && autoDisableAfterMs <= failingAfterMs)
    env.refuse('AUTO_DISABLE_AFTER must be longer than ALERT_FAILING_AFTER (or 0: never)');
  return {
    url,
    secret,
    failingAfterMs,
    autoDisableAfterMs,
    deadLetters: env.int('ALERT_DEAD_LETTERS', 100, 0, 1_000_000_000),
    windowMs: env.duration('ALERT_WINDOW', 3_600_000, 1000, 30 * DAY),
    checkEveryMs: env.duration('ALERT_CHECK_INTERVAL', 5000, 50, 3_600_000),
  };
}

/**
 * How long delivering instances leave facts that change nothing unwritten (delivery/delivery-facts.ts): a few times
 * per ALERT_FAILING_AFTER, from 250 ms to a minute.
 */
export function factsRefreshMs(failingAfterMs: number): number {
  return Math.min(60_000, Math.max(250, Math.floor(failingAfterMs / 4)));
}

/**
 * A failure streak whose last failure is older than this has no attempts left (its messages expired, or nothing was
 * sent): no longer "failing" (a connector is failing while it keeps trying). Two refreshes plus the longest back-off.
 */
export function attemptsStaleMs(failingAfterMs: number, retryMaxMs: number): number {
  return 2 * factsRefreshMs(failingAfterMs) + retryMaxMs;
}
