/** The three kinds of change the platform reports for a profile and a source. */
export const CALL_TYPES = ['NEW', 'MODIFIED', 'REMOVED'] as const;
export type CallType = (typeof CALL_TYPES)[number];

/** A profile property value as the platform stores it (engagement and fact properties are scalars). */
export type ProfileValue = string | number | boolean | null;

/** A binding property value (`data`): the form only takes strings and numbers. */
export type BindingValue = string | number;

/**
 * The message a destination receives, exactly as the product documentation defines it.
 * Every field is always present; the key order is the documented one, so the JSON text is stable.
 *
 * @example
 * {
 *   "profileId": "aaaabbbb-cccc-dddd-eeee-ffffffffffff", "sourceId": "dc0beb89-2d63-4ec7-899a-6e986ed8932f",
 *   "partnerNumber": 33, "callType": "NEW", "partnerIds": ["4"], "profileVars": { "lastCategory": "5678" },
 *   "timestamp": 1234567890, "siteNumber": 1234, "sourceName": "some name", "sourceNumber": 123,
 *   "data": { "custom": "variable", "another": 123 }
 * }
 */
export interface ActivationMessage {
  /** The profile's identifier. */
  profileId: string;
  /** The audience or journey step id. */
  sourceId: string;
  /** The identifier type selected when the connector was created. */
  partnerNumber: number;
  callType: CallType;
  /** Always exactly one partner id: a profile with several gets several messages. */
  partnerIds: [string];
  /** The mapped profile variables; `{}` when none are mapped. */
  profileVars: Record<string, ProfileValue>;
  /** Milliseconds since 1970-01-01. */
  timestamp: number;
  siteNumber: number;
  /** The binding's source name, `""` when it has none. */
  sourceName: string;
  /** The audience number; `null` for journey steps. */
  sourceNumber: number | null;
  /** The binding's property-value pairs; `{}` when none. */
  data: Record<string, BindingValue>;
}

/** The documented field names, in the documented order. */
export const ACTIVATION_MESSAGE_FIELDS = [
  'profileId',
  'sourceId',
  'partnerNumber',
  'callType',
  'partnerIds',
  'profileVars',
  'timestamp',
  'siteNumber',
  'sourceName',
  'sourceNumber',
  'data',
] as const satisfies readonly (keyof ActivationMessage)[];
