import type { CallType, ProfileValue } from './activation-message.js';

/** A change of one profile in one audience or journey step, as the platform reports it to the host. */
export interface RoutingEvent {
  siteNumber: number;
  /** The audience or journey step id. */
  sourceId: string;
  callType: CallType;
  /** Milliseconds since 1970-01-01. */
  timestamp: number;
  profile: {
    profileId: string;
    /** Partner ids by partner number, e.g. `{ "33": ["4", "5"] }`. */
    partnerIds: Record<string, readonly string[]>;
    properties: Record<string, ProfileValue>;
  };
  /** For MODIFIED: the profile properties that changed. Absent means "unknown, assume relevant". */
  changedProperties?: readonly string[];
}
