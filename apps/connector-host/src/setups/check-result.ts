import type { CheckResult } from '@event-connectors/connector-sdk';
import Type from 'typebox';
import { mapOf, schemaOf } from '../common/schema-parts.js';

const problem = (example: string) =>
  Type.Object({ code: Type.String({ examples: [example] }), message: Type.String() }, { additionalProperties: false });

/** The SDK's CheckResult (what a connector's `check()` answers), as POST /v1/connectors/{id}/check and a saved set-up show it. */
export const CheckResultSchema = schemaOf<CheckResult>()(
  Type.Object(
    {
      ok: Type.Boolean(),
      problem: Type.Optional(problem('stream_not_found')),
      details: mapOf(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
      warnings: Type.Optional(
        Type.Array(problem('order_not_kept'), {
          description: 'What works but will hurt the consumer (e.g. order_not_kept); saving still succeeds',
        }),
      ),
    },
    {
      additionalProperties: false,
      description: "A connector's check against its destination; `details` carries what the destination reported",
    },
  ),
);
