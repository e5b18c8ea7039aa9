import type { SkipReason } from '@event-connectors/connector-sdk';

/** Why an event (or an event for one binding) produced no message. */
export type RouteSkipReason = 'no_binding' | 'connector_disabled' | SkipReason;

// Each reason once, in the order the answers list them: the compiler refuses a reason missing here or unknown.
const REASONS: Record<RouteSkipReason, true> = {
  no_binding: true,
  connector_disabled: true,
  no_partner_ids: true,
  unmapped_change: true,
  other_site: true,
  other_source: true,
};

/** Every skip reason: what the ingest receipt counts. */
export const ROUTE_SKIP_REASONS = Object.keys(REASONS) as RouteSkipReason[];

/** The skip reasons a connector can count (`no_binding` names no connector): what its traffic statistics count. */
export const CONNECTOR_SKIP_REASONS = ROUTE_SKIP_REASONS.filter((reason) => reason !== 'no_binding');
