import Type, { type Static } from 'typebox';
import { COUNT, ISO_TIME } from '../common/schema-parts.js';

export const DeadLetterViewSchema = Type.Object(
  {
    id: Type.Integer(),
    messageId: Type.Union([Type.String(), Type.Null()], {
      description:
        'The id the message had (as in its history): a replay sends it again with this id. Null for a dead letter recorded before ids were kept',
    }),
    partitionKey: Type.String(),
    message: Type.Unknown({ description: 'The message exactly as it would have been sent' }),
    attempts: COUNT,
    acceptedAt: ISO_TIME,
    failedAt: ISO_TIME,
    errorCode: Type.String(),
    errorMessage: Type.String(),
  },
  { additionalProperties: false },
);
export type DeadLetterView = Static<typeof DeadLetterViewSchema>;

/** The answer to GET /v1/connectors/{id}/dead-letters: one page, oldest first, paged by id. */
export const DeadLetterPageSchema = Type.Object(
  {
    items: Type.Array(DeadLetterViewSchema),
    total: COUNT,
    nextAfter: Type.Union([Type.Integer(), Type.Null()], { description: 'Pass as `after` for the next page; null on the last one' }),
  },
  { additionalProperties: false },
);
export type DeadLetterPage = Static<typeof DeadLetterPageSchema>;

export const ReplayResultSchema = Type.Object({ replayed: COUNT }, { additionalProperties: false });
export type ReplayResult = Static<typeof ReplayResultSchema>;

export const DeleteResultSchema = Type.Object(
  { deleted: Type.With(COUNT, { description: 'How many dead letters were deleted' }) },
  { additionalProperties: false },
);
export type DeleteResult = Static<typeof DeleteResultSchema>;
