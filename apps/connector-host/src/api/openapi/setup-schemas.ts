/** JSON Schemas (OpenAPI 3.1) of what the set-up routes answer: connectors, bindings, connector types. */

import { ISO_TIME, UUID } from './schema-parts.js';

const CONNECTOR_VIEW_REQUIRED = [
  'id',
  'type',
  'siteNumber',
  'name',
  'partnerNumber',
  'enabled',
  'paused',
  'settings',
  'createdAt',
  'updatedAt',
];

const CONNECTOR_VIEW_PROPERTIES = {
  id: UUID,
  type: { type: 'string', examples: ['kinesis'] },
  siteNumber: { type: 'integer' },
  name: { type: 'string' },
  partnerNumber: { type: 'integer' },
  enabled: { type: 'boolean' },
  paused: {
    description: 'Set when delivery paused itself after repeated set-up failures',
    oneOf: [
      { type: 'null' },
      {
        type: 'object',
        required: ['reason', 'at'],
        additionalProperties: false,
        properties: { reason: { type: 'string' }, at: ISO_TIME },
      },
    ],
  },
  settings: { type: 'object', description: "The type's settings; secrets as `<name>Set: true`", additionalProperties: true },
  createdAt: ISO_TIME,
  updatedAt: ISO_TIME,
};

export const CONNECTOR_VIEW_SCHEMA = {
  type: 'object',
  description: 'A connector set-up; secrets appear only as `<name>Set: true`',
  required: CONNECTOR_VIEW_REQUIRED,
  additionalProperties: false,
  properties: CONNECTOR_VIEW_PROPERTIES,
};

// The view's properties spelled out again rather than `allOf` the view: its additionalProperties: false would
// refuse `check` (a closed schema cannot be extended by composition).
export const SAVED_CONNECTOR_SCHEMA = {
  type: 'object',
  description: 'The saved set-up with what its check found',
  required: [...CONNECTOR_VIEW_REQUIRED, 'check'],
  additionalProperties: false,
  properties: { ...CONNECTOR_VIEW_PROPERTIES, check: { $ref: '#/components/schemas/CheckResult' } },
};

export const CONNECTOR_TYPE_SCHEMA = {
  type: 'object',
  required: ['type', 'displayName', 'secretFields', 'schema'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', examples: ['kinesis'] },
    displayName: { type: 'string', examples: ['Amazon Kinesis'] },
    secretFields: { type: 'array', items: { type: 'string' } },
    schema: { type: 'object', description: "JSON Schema of the type's whole form", additionalProperties: true },
  },
};

const BINDING_SOURCE = {
  oneOf: [
    {
      type: 'object',
      required: ['type', 'id', 'number', 'name'],
      additionalProperties: false,
      properties: { type: { const: 'audience' }, id: UUID, number: { type: 'integer' }, name: { type: 'string' } },
    },
    {
      type: 'object',
      required: ['type', 'id', 'name'],
      additionalProperties: false,
      properties: { type: { const: 'journey' }, id: UUID, name: { type: 'string' } },
    },
  ],
};

export const BINDING_VIEW_SCHEMA = {
  type: 'object',
  description: 'A connector attached to an audience or a journey step',
  required: ['id', 'connectorId', 'siteNumber', 'source', 'sourceName', 'profileVariables', 'properties', 'createdAt'],
  additionalProperties: false,
  properties: {
    id: UUID,
    connectorId: UUID,
    siteNumber: { type: 'integer' },
    source: BINDING_SOURCE,
    sourceName: { type: ['string', 'null'] },
    profileVariables: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'property'],
        additionalProperties: false,
        properties: { name: { type: 'string' }, property: { type: 'string' } },
      },
    },
    properties: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
    createdAt: ISO_TIME,
  },
};

export const SITE_ISSUED_SCHEMA = {
  type: 'object',
  description: 'What this service issues a site',
  required: ['siteNumber', 'externalId'],
  additionalProperties: false,
  properties: {
    siteNumber: { type: 'integer' },
    externalId: {
      type: 'string',
      description: "The external ID a role's trust policy must require (sts:ExternalId) for this site's set-ups that assume a role; stable",
      examples: ['ec-1234-4f1c0b2e9a7d5c3b1a0f9e8d7c6b5a4f3e2d1c0b'],
    },
  },
};
