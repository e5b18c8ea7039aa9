import type { FailureCategory } from '@event-connectors/connector-sdk';
import type { RouteSkipReason } from '../../common/route-skip-reason.js';

/** What the traffic statistics count, per connector and UTC day. */
export type TrafficMetric =
  | 'delivered'
  | 'delivered_removed'
  | 'retried'
  | `skipped.${RouteSkipReason}`
  | `dead_lettered.${FailureCategory}`
  | `failed.${FailureCategory}`
  /** A maximum, not a count: the largest message routed that day, in UTF-8 bytes (TrafficTally.raise). */
  | 'largest_message_bytes';

const DAY_MS = 86_400_000;

/** One row of the daily rollups: a count of one metric of one connector on one UTC day (`YYYY-MM-DD`). */
export interface TrafficRow {
  connectorId: string;
  day: string;
  metric: TrafficMetric;
  count: number;
}

/** The UTC day of a time, as the rollups name it. */
export function dayOf(at: number): string {
  return new Date(Math.floor(at / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Counts gathered in memory by one transaction (a group of settlements, a group of requests) and added to the
 * daily rollups in that same transaction: what the store says happened and what the statistics say agree, and a
 * crash loses neither alone. A few keys per connector, whatever the number of messages.
 */
export class TrafficTally {
  private readonly counts = new Map<string, TrafficRow>();
  /** Metrics whose day keeps the largest value written, not the sum (largest_message_bytes). */
  private readonly maxima = new Map<string, TrafficRow>();
  // Naming a day costs a Date and its ISO text: a tally's counts nearly all fall on one day, named once.
  private dayNumber = NaN;
  private day = '';

  add(connectorId: string, metric: TrafficMetric, at: number, count = 1): void {
    if (count <= 0) return;
    const key = this.keyOf(connectorId, metric, at);
    const row = this.counts.get(key);
    if (row) row.count += count;
    else this.counts.set(key, { connectorId, day: this.day, metric, count });
  }

  /** Keeps `value` for the day if it is the largest yet (the rollup keeps the largest of every writer's too). */
  raise(connectorId: string, metric: 'largest_message_bytes', at: number, value: number): void {
    if (value <= 0) return;
    const key = this.keyOf(connectorId, metric, at);
    const row = this.maxima.get(key);
    if (!row) this.maxima.set(key, { connectorId, day: this.day, metric, count: value });
    else if (value > row.count) row.count = value;
  }

  merge(other: TrafficTally): void {
    for (const row of other.rows()) this.add(row.connectorId, row.metric, Date.parse(row.day), row.count);
    for (const row of other.maximumRows()) this.raise(row.connectorId, 'largest_message_bytes', Date.parse(row.day), row.count);
  }

  /** The counts, in key order, so concurrent writers take the rows' locks in the same order (PostgreSQL). */
  rows(): TrafficRow[] {
    return sorted(this.counts);
  }

  /** The maxima, in key order. */
  maximumRows(): TrafficRow[] {
    return sorted(this.maxima);
  }

  get isEmpty(): boolean {
    return this.counts.size === 0 && this.maxima.size === 0;
  }

  private keyOf(connectorId: string, metric: TrafficMetric, at: number): string {
    const dayNumber = Math.floor(at / DAY_MS);
    if (dayNumber !== this.dayNumber) {
      this.dayNumber = dayNumber;
      this.day = dayOf(at);
    }
    return `${connectorId}\n${this.day}\n${metric}`;
  }
}

function sorted(rows: Map<string, TrafficRow>): TrafficRow[] {
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}
