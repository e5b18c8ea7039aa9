import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/** The refusals a route can answer, each with the shared ErrorBody. */
export type Refusal = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

const MEANING: Record<Refusal, string> = {
  400: 'Invalid input: `errors` names every failing field',
  401: 'No valid bearer token',
  403: 'The token may not do this (other scope, or another site)',
  404: 'No such thing, or one of a site this token may not see',
  409: 'Contradicts what is stored',
  413: 'The body is larger than MAX_BODY_BYTES',
  415: 'The body is not JSON (send content-type: application/json)',
  422: 'Well-formed but cannot be done as asked',
  429: 'Too many requests: retry after Retry-After seconds',
  503: 'Not available now: retry after Retry-After seconds',
};

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } };

/** A reference to one of the document's named schemas (api/openapi/openapi-document.ts registers them). */
export const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Documents refusals with the ErrorBody schema; `why` says, where it helps, when this route answers each. */
export function Refuses(statuses: Refusal[], why: Partial<Record<Refusal, string>> = {}) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: why[status] ?? MEANING[status],
        schema: schemaRef('ErrorBody'),
        ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
      }),
    ),
  );
}

/** Documents the success answer: a named schema, or no body (204). */
export function Answers(status: 200 | 201 | 202 | 204, description: string, schema?: string | object) {
  const body = schema === undefined ? {} : { schema: typeof schema === 'string' ? schemaRef(schema) : schema };
  return ApiResponse({ status, description, ...body });
}
