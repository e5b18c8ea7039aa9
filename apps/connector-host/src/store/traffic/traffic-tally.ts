import type { FailureCategory } from '@event-connectors/connector-sdk';
import type { RouteSkipReason } from '../../common/route-skip-reason.js';
import type { IntakeRecord } from '../outbox/outbox-store.js';

/** What the traffic statistics count, per connector and UTC day. */
export type TrafficMetric =
  | 'delivered'
  | 'delivered_removed'
  | 'retried'
  | `skipped.${RouteSkipReason}`
  | `dead_lettered.${FailureCategory}`
  | `failed.${FailureCategory}`;

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
  // Naming a day costs a Date and its ISO text: a tally's counts nearly all fall on one day, named once.
  private dayNumber = NaN;
  private day = '';

  add(connectorId: string, metric: TrafficMetric, at: number, count = 1): void {
    if (count <= 0) return;
    const dayNumber = Math.floor(at / DAY_MS);
    if (dayNumber !== this.dayNumber) {
      this.dayNumber = dayNumber;
      this.day = dayOf(at);
    }
    const day = this.day;
    const key = `${connectorId}\n${day}\n${metric}`;
    const row = this.counts.get(key);
    if (row) row.count += count;
    else this.counts.set(key, { connectorId, day, metric, count });
  }

  merge(other: TrafficTally): void {
    for (const row of other.rows()) this.add(row.connectorId, row.metric, Date.parse(row.day), row.count);
  }

  /** In key order, so concurrent writers take the rows' locks in the same order (PostgreSQL). */
  rows(): TrafficRow[] {
    return [...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  }

  get isEmpty(): boolean {
    return this.counts.size === 0;
  }
}

/** The skips a group of requests counts for connectors (`no_binding` names none: it counts for no connector). */
export function intakeTally(requests: readonly IntakeRecord[]): TrafficTally {
  const tally = new TrafficTally();
  for (const { skipped, acceptedAt } of requests) {
    for (const skip of skipped ?? []) if (skip.connectorId !== null) tally.add(skip.connectorId, `skipped.${skip.reason}`, acceptedAt);
  }
  return tally;
}
