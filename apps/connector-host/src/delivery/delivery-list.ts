import Type, { type Static } from 'typebox';
import { COUNT, ISO_TIME, mapOf, UUID } from '../common/schema-parts.js';

const LAST_ERROR = Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false });

/**
 * What became of one message, one variant per status (a generated client gets a discriminated union); `receipt` is
 * where the destination says it landed, as its connector reported it.
 */
export const DeliveryViewSchema = Type.Union([
  Type.Object(
    {
      status: Type.Literal('delivered'),
      profileId: Type.String(),
      connectorId: UUID,
      sourceId: Type.String(),
      receipt: Type.Union([mapOf(Type.String()), Type.Null()]),
      attempts: Type.Union([Type.Integer(), Type.Null()]),
      acceptedAt: ISO_TIME,
      deliveredAt: ISO_TIME,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      status: Type.Literal('pending'),
      profileId: Type.String(),
      connectorId: UUID,
      sourceId: Type.Union([Type.String(), Type.Null()]),
      attempts: COUNT,
      nextAttemptAt: Type.Union([ISO_TIME, Type.Null()]),
      lastError: Type.Union([Type.Null(), LAST_ERROR]),
      acceptedAt: ISO_TIME,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      status: Type.Literal('skipped'),
      profileId: Type.String(),
      connectorId: Type.Union([Type.String(), Type.Null()]),
      sourceId: Type.String(),
      reason: Type.String(),
      at: ISO_TIME,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      status: Type.Literal('dead_lettered'),
      profileId: Type.String(),
      connectorId: UUID,
      sourceId: Type.Union([Type.String(), Type.Null()]),
      errorCode: Type.String(),
      errorMessage: Type.String(),
      attempts: COUNT,
      acceptedAt: ISO_TIME,
      failedAt: ISO_TIME,
    },
    { additionalProperties: false },
  ),
]);
export type DeliveryView = Static<typeof DeliveryViewSchema>;

/** The answer to GET /v1/deliveries: recent messages of a profile, a source or a connector, newest first. */
export const DeliveryListSchema = Type.Object(
  {
    complete: Type.Boolean({
      description:
        'False when the pending messages or the message history were searched only as far back as a search may go (the newest 32 MiB of each)',
    }),
    items: Type.Array(DeliveryViewSchema),
  },
  { additionalProperties: false },
);
export type DeliveryList = Static<typeof DeliveryListSchema>;
