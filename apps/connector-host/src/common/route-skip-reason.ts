import type { SkipReason } from '@event-connectors/connector-sdk';

/** Why an event (or an event for one binding) produced no message. */
export type RouteSkipReason = 'no_binding' | 'connector_disabled' | SkipReason;
