import Type, { type Static } from 'typebox';
import { COUNT, ISO_TIME, UUID } from '../common/schema-parts.js';

export const CONNECTOR_STATUSES = ['active', 'failing', 'stalled', 'paused', 'disabled'] as const;

/** How a connector's delivery is doing, for operators and for the customer who owns the stream. */
export const ConnectorHealthSchema = Type.Object(
  {
    id: UUID,
    type: Type.String(),
    name: Type.String(),
    siteNumber: Type.Integer(),
    /**
     * `active`: delivering; `failing`: its last rounds failed (retrying); `stalled`: its calls only time out (the
     * breaker is open: one call at a time, a short budget, a pause if it lasts); `paused`: stopped on a set-up
     * failure; `disabled`.
     */
    status: Type.Enum(CONNECTOR_STATUSES),
    pausedReason: Type.Union([Type.String(), Type.Null()]),
    stalledSince: Type.Union([ISO_TIME, Type.Null()], { description: 'Since when its calls only time out (the breaker is open)' }),
    lastSuccessAt: Type.Union([ISO_TIME, Type.Null()]),
    lastError: Type.Union([
      Type.Null(),
      Type.Object({ code: Type.String(), message: Type.String(), at: ISO_TIME }, { additionalProperties: false }),
    ]),
    backlog: COUNT,
    deadLetters: COUNT,
    oldestPendingAgeSeconds: Type.Union([Type.Number(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type ConnectorHealth = Static<typeof ConnectorHealthSchema>;

/** The answer to GET /health/connectors. */
export const ConnectorHealthListSchema = Type.Object({ connectors: Type.Array(ConnectorHealthSchema) }, { additionalProperties: false });
export type ConnectorHealthList = Static<typeof ConnectorHealthListSchema>;
