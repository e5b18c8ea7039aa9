import { SOURCE_ID_PATTERN } from '../common/source-id.js';
import { CALL_TYPES, MAX_PARTITION_KEY_LENGTH } from '@event-connectors/connector-sdk';

const UUID = SOURCE_ID_PATTERN;

/** Bounds of one event: generous for real profiles, tight enough that no request can exhaust the host. */
export const EVENT_LIMITS = {
  profileIdLength: MAX_PARTITION_KEY_LENGTH, // the profile id is every message's partition key
  partnerSlots: 100,
  partnerIdsPerSlot: 100,
  partnerIdLength: 256,
  properties: 1000,
  propertyNameLength: 128,
  propertyValueLength: 65_536,
  changedProperties: 1000,
} as const;

/**
 * JSON Schema of POST /v1/events, compiled once by Ajv: the ingest path is the hot path, and a compiled
 * schema checks a batch in microseconds where decorator-driven validation takes milliseconds.
 */
export function eventsRequestSchema(maxEvents: number) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['events'],
    properties: {
      events: {
        type: 'array',
        minItems: 1,
        maxItems: maxEvents,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['siteNumber', 'sourceId', 'callType', 'timestamp', 'profile'],
          properties: {
            siteNumber: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
            sourceId: { type: 'string', pattern: UUID },
            callType: { type: 'string', enum: [...CALL_TYPES] },
            // Milliseconds since 1970, up to the largest date JavaScript can represent.
            timestamp: { type: 'integer', minimum: 0, maximum: 8_640_000_000_000_000 },
            profile: {
              type: 'object',
              additionalProperties: false,
              required: ['profileId'],
              properties: {
                profileId: { type: 'string', minLength: 1, maxLength: EVENT_LIMITS.profileIdLength },
                partnerIds: {
                  type: 'object',
                  maxProperties: EVENT_LIMITS.partnerSlots,
                  propertyNames: { pattern: '^[1-9][0-9]{0,9}$' },
                  additionalProperties: {
                    type: 'array',
                    maxItems: EVENT_LIMITS.partnerIdsPerSlot,
                    items: { type: 'string', minLength: 1, maxLength: EVENT_LIMITS.partnerIdLength },
                  },
                },
                properties: {
                  type: 'object',
                  maxProperties: EVENT_LIMITS.properties,
                  propertyNames: { minLength: 1, maxLength: EVENT_LIMITS.propertyNameLength },
                  additionalProperties: { type: ['string', 'number', 'boolean', 'null'], maxLength: EVENT_LIMITS.propertyValueLength },
                },
              },
            },
            changedProperties: {
              type: 'array',
              maxItems: EVENT_LIMITS.changedProperties,
              items: { type: 'string', minLength: 1, maxLength: EVENT_LIMITS.propertyNameLength },
            },
          },
        },
      },
    },
  } as const;
}
