/** JSON Schemas (OpenAPI 3.1) of the traffic statistics' answer. */

import { FAILURE_CATEGORIES } from '@event-connectors/connector-sdk';
import { CONNECTOR_SKIP_REASONS, STATS_WINDOWS } from '../../stats/traffic-view.js';
import { COUNT, UUID } from './schema-parts.js';

const DAY = { type: 'string', format: 'date', description: 'A UTC day, YYYY-MM-DD' };

/** An object with exactly these count keys. */
function countsBy(keys: readonly string[], description: string) {
  return {
    type: 'object',
    description,
    required: [...keys],
    additionalProperties: false,
    properties: Object.fromEntries(keys.map((key) => [key, COUNT])),
  };
}

const COUNT_PROPERTIES = {
  delivered: { ...COUNT, description: 'Messages the destination acknowledged' },
  removed: { ...COUNT, description: 'Of `delivered`, those with call type REMOVED' },
  retried: { ...COUNT, description: 'Failed attempts scheduled to be tried again' },
  skipped: countsBy(CONNECTOR_SKIP_REASONS, 'Events that made no message for this connector, by reason'),
  deadLettered: countsBy(FAILURE_CATEGORIES, 'Messages moved to the dead letters, by the kind of their last failure'),
  failed: countsBy(FAILURE_CATEGORIES, 'Failed delivery attempts, by kind'),
  largestMessageBytes: {
    ...COUNT,
    description: 'The largest message routed to the connector, in UTF-8 bytes (0: none); a maximum, not a sum',
  },
};
const COUNT_KEYS = Object.keys(COUNT_PROPERTIES);

export const TRAFFIC_COUNTS_SCHEMA = {
  type: 'object',
  required: COUNT_KEYS,
  additionalProperties: false,
  properties: COUNT_PROPERTIES,
};

export const CONNECTOR_STATS_SCHEMA = {
  type: 'object',
  description: 'Counted in the same transactions that store what they count: they survive restarts',
  required: ['connectorId', 'days', 'from', 'to', 'totals', 'daily'],
  additionalProperties: false,
  properties: {
    connectorId: UUID,
    days: { type: 'integer', enum: [...STATS_WINDOWS] },
    from: DAY,
    to: { ...DAY, description: 'Today (UTC)' },
    totals: { $ref: '#/components/schemas/TrafficCounts' },
    daily: {
      type: 'array',
      description: 'One entry per day of the window, oldest first; days without traffic count zero',
      items: {
        type: 'object',
        required: ['day', ...COUNT_KEYS],
        additionalProperties: false,
        properties: { day: DAY, ...COUNT_PROPERTIES },
      },
    },
  },
};
