import { FAILURE_CATEGORIES, type FailureCategory } from '@event-connectors/connector-sdk';
import type { RouteSkipReason } from '../common/route-skip-reason.js';
import { dayOf, type TrafficRow } from '../store/traffic/traffic-tally.js';

/** The windows the statistics answer for, in days (today included). */
export const STATS_WINDOWS = [7, 30, 90] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];

/** Skip reasons a connector can count (`no_binding` names no connector). */
export const CONNECTOR_SKIP_REASONS = ['connector_disabled', 'no_partner_ids', 'unmapped_change', 'other_site', 'other_source'] as const;
type ConnectorSkipReason = (typeof CONNECTOR_SKIP_REASONS)[number] & RouteSkipReason;

/** A connector's traffic over some time: every key always present. */
export interface TrafficCounts {
  /** Messages the destination acknowledged. */
  delivered: number;
  /** Of `delivered`, those with call type REMOVED. */
  removed: number;
  /** Failed attempts that were scheduled to be tried again. */
  retried: number;
  /** Events that made no message for this connector, by reason. */
  skipped: Record<ConnectorSkipReason, number>;
  /** Messages moved to the dead letters, by the kind of their last failure. */
  deadLettered: Record<FailureCategory, number>;
  /** Failed delivery attempts, by kind. */
  failed: Record<FailureCategory, number>;
  /** The largest message routed to the connector, in UTF-8 bytes (0: none). */
  largestMessageBytes: number;
}

export interface DailyTraffic extends TrafficCounts {
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
}

export interface ConnectorStats {
  connectorId: string;
  days: StatsWindow;
  /** First and last UTC day of the window (the last is today). */
  from: string;
  to: string;
  totals: TrafficCounts;
  /** One entry per day of the window, oldest first; days without traffic count zero. */
  daily: DailyTraffic[];
}

const DAY_MS = 86_400_000;

/** The first UTC day of a window ending today. */
export function windowStart(days: StatsWindow, now: number): string {
  return dayOf(now - (days - 1) * DAY_MS);
}

/** The rollups' rows of a window as the API shows them. Pure. */
export function trafficView(connectorId: string, days: StatsWindow, rows: readonly TrafficRow[], now: number): ConnectorStats {
  const daily: DailyTraffic[] = [];
  const byDay = new Map<string, DailyTraffic>();
  for (let offset = days - 1; offset >= 0; offset--) {
    const entry = { day: dayOf(now - offset * DAY_MS), ...zeroCounts() };
    daily.push(entry);
    byDay.set(entry.day, entry);
  }
  const totals = zeroCounts();
  for (const row of rows) {
    const entry = byDay.get(row.day);
    if (!entry) continue;
    addTo(entry, row);
    addTo(totals, row);
  }
  return { connectorId, days, from: daily[0].day, to: daily[daily.length - 1].day, totals, daily };
}

function zeroCounts(): TrafficCounts {
  const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  return {
    delivered: 0,
    removed: 0,
    retried: 0,
    skipped: zeros(CONNECTOR_SKIP_REASONS),
    deadLettered: zeros(FAILURE_CATEGORIES),
    failed: zeros(FAILURE_CATEGORIES),
    largestMessageBytes: 0,
  };
}

/** Adds a row to its place (a maximum replaces a smaller one); a metric this version does not know (a newer instance wrote it) is left out. */
function addTo(counts: TrafficCounts, { metric, count }: TrafficRow): void {
  if (metric === 'delivered') counts.delivered += count;
  else if (metric === 'delivered_removed') counts.removed += count;
  else if (metric === 'retried') counts.retried += count;
  else if (metric === 'largest_message_bytes') counts.largestMessageBytes = Math.max(counts.largestMessageBytes, count);
  else {
    const [group, key] = metric.split('.', 2);
    const target =
      group === 'skipped'
        ? counts.skipped
        : group === 'dead_lettered'
          ? counts.deadLettered
          : group === 'failed'
            ? counts.failed
            : undefined;
    if (target && key in target) (target as Record<string, number>)[key] += count;
  }
}
