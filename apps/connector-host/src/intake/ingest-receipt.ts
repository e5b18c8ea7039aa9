import Type, { type Static } from 'typebox';
import { ROUTE_SKIP_REASONS } from '../common/route-skip-reason.js';
import { COUNT, countsBy } from '../common/schema-parts.js';

/** The answer to POST /v1/events. */
export const IngestReceiptSchema = Type.Object(
  {
    /** Events taken (all of the request, or none: the request is one transaction). */
    accepted: COUNT,
    routed: Type.With(COUNT, { description: 'Messages committed for delivery' }),
    /** Skips by reason (a reason none had is left out); `total` is their sum. */
    skipped: Type.Object(
      { total: COUNT, ...Type.Partial(Type.Object(countsBy(ROUTE_SKIP_REASONS))).properties },
      { additionalProperties: false },
    ),
  },
  {
    additionalProperties: false,
    description: 'All of the request was taken (one transaction); `skipped` counts events that made no message, by reason',
  },
);
export type IngestReceipt = Static<typeof IngestReceiptSchema>;

/** What intake answers a request: its status, its receipt, and whether it is an earlier request's stored answer. */
export interface IngestAnswer {
  status: number;
  receipt: IngestReceipt;
  /** True when this is the stored answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}
