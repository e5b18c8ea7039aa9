/** JSON Schemas (OpenAPI 3.1) of what the intake and delivery routes answer. */

import { COUNT, ISO_TIME, UUID } from './schema-parts.js';

export const INGEST_RECEIPT_SCHEMA = {
  type: 'object',
  description: 'All of the request was taken (one transaction); `skipped` counts events that made no message, by reason',
  required: ['accepted', 'routed', 'skipped'],
  additionalProperties: false,
  properties: {
    accepted: COUNT,
    routed: { ...COUNT, description: 'Messages committed for delivery' },
    skipped: {
      type: 'object',
      required: ['total'],
      additionalProperties: false,
      properties: {
        total: COUNT,
        no_binding: COUNT,
        connector_disabled: COUNT,
        no_partner_ids: COUNT,
        unmapped_change: COUNT,
        other_site: COUNT,
        other_source: COUNT,
      },
    },
  },
};

export const DEAD_LETTER_PAGE_SCHEMA = {
  type: 'object',
  required: ['items', 'total', 'nextAfter'],
  additionalProperties: false,
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'partitionKey', 'message', 'attempts', 'acceptedAt', 'failedAt', 'errorCode', 'errorMessage'],
        additionalProperties: false,
        properties: {
          id: { type: 'integer' },
          partitionKey: { type: 'string' },
          message: { description: 'The message exactly as it would have been sent' },
          attempts: COUNT,
          acceptedAt: ISO_TIME,
          failedAt: ISO_TIME,
          errorCode: { type: 'string' },
          errorMessage: { type: 'string' },
        },
      },
    },
    total: COUNT,
    nextAfter: { type: ['integer', 'null'], description: 'Pass as `after` for the next page; null on the last one' },
  },
};

export const REPLAY_RESULT_SCHEMA = {
  type: 'object',
  required: ['replayed'],
  additionalProperties: false,
  properties: { replayed: COUNT },
};

export const DELETE_RESULT_SCHEMA = {
  type: 'object',
  required: ['deleted'],
  additionalProperties: false,
  properties: { deleted: { type: 'integer', minimum: 0, description: 'How many dead letters were deleted' } },
};

export const ROTATION_RESULT_SCHEMA = {
  type: 'object',
  required: ['resealed', 'total', 'keyId'],
  additionalProperties: false,
  properties: { resealed: COUNT, total: COUNT, keyId: { type: 'string' } },
};

const LAST_ERROR = {
  type: 'object',
  required: ['code', 'message'],
  additionalProperties: false,
  properties: { code: { type: 'string' }, message: { type: 'string' } },
};

/** One variant per status, so a generated client gets a discriminated union. */
const DELIVERY_VARIANTS = [
  {
    status: 'delivered',
    required: ['receipt', 'attempts', 'acceptedAt', 'deliveredAt'],
    properties: {
      connectorId: UUID,
      sourceId: { type: 'string' },
      receipt: { type: ['object', 'null'], additionalProperties: { type: 'string' } },
      attempts: { type: ['integer', 'null'] },
      acceptedAt: ISO_TIME,
      deliveredAt: ISO_TIME,
    },
  },
  {
    status: 'pending',
    required: ['attempts', 'nextAttemptAt', 'lastError', 'acceptedAt'],
    properties: {
      connectorId: UUID,
      sourceId: { type: ['string', 'null'] },
      attempts: COUNT,
      nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
      lastError: { oneOf: [{ type: 'null' }, LAST_ERROR] },
      acceptedAt: ISO_TIME,
    },
  },
  {
    status: 'skipped',
    required: ['reason', 'at'],
    properties: { connectorId: { type: ['string', 'null'] }, sourceId: { type: 'string' }, reason: { type: 'string' }, at: ISO_TIME },
  },
  {
    status: 'dead_lettered',
    required: ['errorCode', 'errorMessage', 'attempts', 'acceptedAt', 'failedAt'],
    properties: {
      connectorId: UUID,
      sourceId: { type: ['string', 'null'] },
      errorCode: { type: 'string' },
      errorMessage: { type: 'string' },
      attempts: COUNT,
      acceptedAt: ISO_TIME,
      failedAt: ISO_TIME,
    },
  },
];

export const DELIVERY_LIST_SCHEMA = {
  type: 'object',
  required: ['items', 'complete'],
  additionalProperties: false,
  properties: {
    complete: {
      type: 'boolean',
      description: 'False when the pending messages were searched only as far back as a search may go (the newest 32 MiB of the backlog)',
    },
    items: {
      type: 'array',
      items: {
        oneOf: DELIVERY_VARIANTS.map((variant) => ({
          type: 'object',
          required: ['status', 'connectorId', 'profileId', 'sourceId', ...variant.required],
          additionalProperties: false,
          properties: { status: { const: variant.status }, profileId: { type: 'string' }, ...variant.properties },
        })),
      },
    },
  },
};
