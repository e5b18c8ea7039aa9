import { FAILURE_CATEGORIES } from '@event-connectors/connector-sdk';
import { CONNECTOR_SKIP_REASONS } from '../common/route-skip-reason.js';
import { dayOf, type TrafficRow } from '../store/traffic/traffic-tally.js';
import type { ConnectorStats, DailyTraffic, StatsWindow, TrafficCounts } from './connector-stats.js';

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
