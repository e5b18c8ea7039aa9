import { FAILURE_CATEGORIES } from '@event-connectors/connector-sdk';
import Type, { type Static } from 'typebox';
import { CONNECTOR_SKIP_REASONS } from '../common/route-skip-reason.js';
import { COUNT, countsBy, named, UUID } from '../common/schema-parts.js';

/** The windows the statistics answer for, in days (today included). */
export const STATS_WINDOWS = [7, 30, 90] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];

const DAY = Type.String({ format: 'date', description: 'A UTC day, YYYY-MM-DD' });

/** An object with exactly these count keys. */
const countsOf = <const Key extends string>(keys: readonly Key[], description: string) =>
  Type.Object(countsBy(keys), { additionalProperties: false, description });

/** A connector's traffic over some time: every key always present. */
export const TrafficCountsSchema = Type.Object(
  {
    delivered: Type.With(COUNT, { description: 'Messages the destination acknowledged' }),
    removed: Type.With(COUNT, { description: 'Of `delivered`, those with call type REMOVED' }),
    retried: Type.With(COUNT, { description: 'Failed attempts scheduled to be tried again' }),
    skipped: countsOf(CONNECTOR_SKIP_REASONS, 'Events that made no message for this connector, by reason'),
    deadLettered: countsOf(FAILURE_CATEGORIES, 'Messages moved to the dead letters, by the kind of their last failure'),
    failed: countsOf(FAILURE_CATEGORIES, 'Failed delivery attempts, by kind'),
    largestMessageBytes: Type.With(COUNT, {
      description: 'The largest message routed to the connector, in UTF-8 bytes (0: none); a maximum, not a sum',
    }),
  },
  { additionalProperties: false },
);
export type TrafficCounts = Static<typeof TrafficCountsSchema>;

const DailyTrafficSchema = Type.Object({ day: DAY, ...TrafficCountsSchema.properties }, { additionalProperties: false });
export type DailyTraffic = Static<typeof DailyTrafficSchema>;

/** The answer to GET /v1/connectors/{id}/stats. */
export const ConnectorStatsSchema = Type.Object(
  {
    connectorId: UUID,
    days: Type.Enum(STATS_WINDOWS, { type: 'integer' }),
    /** First and last UTC day of the window (the last is today). */
    from: DAY,
    to: Type.With(DAY, { description: 'Today (UTC)' }),
    totals: named<typeof TrafficCountsSchema>('TrafficCounts'),
    daily: Type.Array(DailyTrafficSchema, {
      description: 'One entry per day of the window, oldest first; days without traffic count zero',
    }),
  },
  { additionalProperties: false, description: 'Counted in the same transactions that store what they count: they survive restarts' },
);
export type ConnectorStats = Static<typeof ConnectorStatsSchema>;
