/** JSON Schemas (OpenAPI 3.1) of the health routes' answers. */

import { COUNT, ISO_TIME, UUID } from './schema-parts.js';

const INDICATORS = {
  type: 'object',
  additionalProperties: { type: 'object', required: ['status'], properties: { status: { type: 'string' } } },
};

/** Terminus' report, on 200 and 503 alike: `error` lists the failing indicators. */
export const HEALTH_REPORT_SCHEMA = {
  type: 'object',
  required: ['status', 'details'],
  additionalProperties: false,
  properties: {
    status: { enum: ['ok', 'error', 'shutting_down'] },
    info: INDICATORS,
    error: INDICATORS,
    details: INDICATORS,
  },
};

export const CONNECTOR_HEALTH_LIST_SCHEMA = {
  type: 'object',
  required: ['connectors'],
  additionalProperties: false,
  properties: {
    connectors: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'id',
          'type',
          'name',
          'siteNumber',
          'status',
          'pausedReason',
          'stalledSince',
          'lastSuccessAt',
          'lastError',
          'backlog',
          'deadLetters',
          'oldestPendingAgeSeconds',
        ],
        additionalProperties: false,
        properties: {
          id: UUID,
          type: { type: 'string' },
          name: { type: 'string' },
          siteNumber: { type: 'integer' },
          status: { enum: ['active', 'failing', 'stalled', 'paused', 'disabled'] },
          pausedReason: { type: ['string', 'null'] },
          stalledSince: { ...ISO_TIME, type: ['string', 'null'], description: 'Since when its calls only time out (the breaker is open)' },
          lastSuccessAt: { ...ISO_TIME, type: ['string', 'null'] },
          lastError: {
            oneOf: [
              { type: 'null' },
              {
                type: 'object',
                required: ['code', 'message', 'at'],
                additionalProperties: false,
                properties: { code: { type: 'string' }, message: { type: 'string' }, at: ISO_TIME },
              },
            ],
          },
          backlog: COUNT,
          deadLetters: COUNT,
          oldestPendingAgeSeconds: { type: ['number', 'null'] },
        },
      },
    },
  },
};

export const CLUSTER_VIEW_SCHEMA = {
  type: 'object',
  required: ['engine', 'instanceId', 'partitions', 'leaseTtlMs', 'instances', 'unowned'],
  additionalProperties: false,
  properties: {
    engine: { enum: ['sqlite', 'postgres'] },
    instanceId: { type: 'string' },
    partitions: { type: 'integer', minimum: 1 },
    leaseTtlMs: { type: 'integer' },
    instances: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'role', 'startedAt', 'heartbeatAgeMs', 'live', 'partitions'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          role: { enum: ['all', 'intake', 'delivery'] },
          startedAt: ISO_TIME,
          heartbeatAgeMs: { type: 'number' },
          live: { type: 'boolean' },
          partitions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['partition', 'epoch', 'expiresInMs'],
              additionalProperties: false,
              properties: { partition: { type: 'integer' }, epoch: { type: 'integer' }, expiresInMs: { type: 'number' } },
            },
          },
        },
      },
    },
    unowned: { type: 'array', items: { type: 'integer' } },
  },
};
