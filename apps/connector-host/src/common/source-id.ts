import { Matches } from 'class-validator';

/**
 * The one rule for an audience or journey-step id, wherever one is given (an event's `sourceId`, a binding's
 * source, a filter): the UUID shape, hex in 8-4-4-4-12, any version or variant. The platform names its sources;
 * this host only needs them to look like what they are, and never to accept on one route what another refuses.
 */
export const SOURCE_ID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** Validates a DTO field as a source id (see SOURCE_ID_PATTERN), with `field must be a UUID` as its message. */
export function IsSourceId(field: string): PropertyDecorator {
  return Matches(new RegExp(SOURCE_ID_PATTERN), { message: `${field} must be a UUID` });
}
