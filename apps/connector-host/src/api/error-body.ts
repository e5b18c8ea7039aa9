import Type, { type Static } from 'typebox';
import type { FieldErrorSchema } from '../common/field-error.js';
import { LimitReachedSchema } from '../common/limit-reached.js';
import { named } from '../common/schema-parts.js';
import type { CheckResultSchema } from '../setups/check-result.js';

/** Every refusal's body (error-body.filter.ts writes it; the API document names it ErrorBody). */
export const ErrorBodySchema = Type.Object(
  {
    statusCode: Type.Integer({ minimum: 400, maximum: 599 }),
    error: Type.String({ description: "The status's reason phrase", examples: ['Bad Request'] }),
    message: Type.String({ examples: ['settings.region: region must be an AWS region such as eu-west-1'] }),
    /** Each failing field; empty when no field is at fault. */
    errors: Type.Array(named<typeof FieldErrorSchema>('FieldError')),
    /** A set-up refused by its strict check: what the check found (422). */
    check: Type.Optional(named<typeof CheckResultSchema>('CheckResult')),
    retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 1, description: '429 and 503: seconds to wait, as Retry-After says' })),
    /** 413, 422, 429. */
    limit: Type.Optional(LimitReachedSchema),
  },
  { additionalProperties: false, description: 'Every refusal (4xx, 5xx) has this body' },
);
export type ErrorBody = Static<typeof ErrorBodySchema>;
