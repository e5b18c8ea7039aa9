import type { CheckResult, FieldError } from '@event-connectors/connector-sdk';
import type { LimitReached } from '../../common/domain-errors.js';

/** Every refusal's body (api/error-body.filter.ts writes it; the API document names it ErrorBody). */
export interface ErrorBody {
  statusCode: number;
  /** The status's reason phrase. */
  error: string;
  message: string;
  /** Each failing field; empty when no field is at fault. */
  errors: FieldError[];
  /** A set-up refused by its strict check: what the check found (422). */
  check?: CheckResult;
  /** 429 and 503: when to retry, as the Retry-After header says. */
  retryAfterSeconds?: number;
  /** The bound that was reached (413, 422, 429): its configuration name, its value, what the request would have made it. */
  limit?: LimitReached;
}

export const FIELD_ERROR_SCHEMA = {
  type: 'object',
  description: 'One failing field: its path (`settings.region`, `events[3].sourceId`, `id`, `body`) and what is wrong with it',
  required: ['field', 'message'],
  additionalProperties: false,
  properties: { field: { type: 'string' }, message: { type: 'string' } },
};

export const CHECK_RESULT_SCHEMA = {
  type: 'object',
  description: "A connector's check against its destination; `details` carries what the destination reported",
  required: ['ok', 'details'],
  additionalProperties: false,
  properties: {
    ok: { type: 'boolean' },
    problem: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: { code: { type: 'string', examples: ['stream_not_found'] }, message: { type: 'string' } },
    },
    details: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    warnings: {
      type: 'array',
      description: 'What works but will hurt the consumer (e.g. order_not_kept); saving still succeeds',
      items: {
        type: 'object',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: { code: { type: 'string', examples: ['order_not_kept'] }, message: { type: 'string' } },
      },
    },
  },
};

export const ERROR_BODY_SCHEMA = {
  type: 'object',
  description: 'Every refusal (4xx, 5xx) has this body',
  required: ['statusCode', 'error', 'message', 'errors'],
  additionalProperties: false,
  properties: {
    statusCode: { type: 'integer', minimum: 400, maximum: 599 },
    error: { type: 'string', description: "The status's reason phrase", examples: ['Bad Request'] },
    message: { type: 'string', examples: ['settings.region: region must be an AWS region such as eu-west-1'] },
    errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
    check: { $ref: '#/components/schemas/CheckResult' },
    retryAfterSeconds: { type: 'integer', minimum: 1, description: '429 and 503: seconds to wait, as Retry-After says' },
    limit: {
      type: 'object',
      description:
        'A bound on what a request, a client or a site may cost was reached: which one, its value, and what this request would have made it',
      required: ['name', 'max', 'actual'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', description: 'The setting that sets it', examples: ['MAX_MESSAGES_PER_REQUEST'] },
        max: { type: 'integer', minimum: 0 },
        actual: { type: 'integer', minimum: 0 },
      },
    },
  },
};
