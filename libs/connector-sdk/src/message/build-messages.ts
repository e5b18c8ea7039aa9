import type { ActivationMessage, ProfileValue } from './activation-message.js';
import type { BindingSpec, ConnectorSpec } from './binding.js';
import type { RoutingEvent } from './routing-event.js';

/** Why an event produced no message for a binding. Counted and reported, never sent. */
export type SkipReason =
  /** The profile has no partner id for the connector's partner number. */
  | 'no_partner_ids'
  /** A MODIFIED event whose changed properties are none of the binding's mapped properties. */
  | 'unmapped_change'
  /** The event belongs to another site than the binding (a routing error, refused here too). */
  | 'other_site'
  /** The event's source is not the binding's source. */
  | 'other_source';

export type BuildResult = { messages: ActivationMessage[]; skipped?: undefined } | { messages: []; skipped: SkipReason };

/**
 * Builds the messages one event yields for one binding of one connector: one per distinct partner id.
 * Pure: no I/O, no clock, no randomness, so the output is a function of the input alone.
 */
export function buildMessages(event: RoutingEvent, binding: BindingSpec, connector: ConnectorSpec): BuildResult {
  const decided = partnerIdsFor(event, binding, connector);
  if (decided.skipped) return { messages: [], skipped: decided.skipped };
  const { partnerIds } = decided;

  const profileVars = mapProfileVariables(event.profile.properties, binding);
  const data = { ...binding.properties };
  const sourceName = binding.sourceName ?? '';
  const sourceNumber = binding.source.type === 'audience' ? binding.source.number : null;

  // Each message gets its own copies: a consumer mutating one must not change its siblings.
  return {
    messages: partnerIds.map((partnerId) => ({
      profileId: event.profile.profileId,
      sourceId: event.sourceId,
      partnerNumber: connector.partnerNumber,
      callType: event.callType,
      partnerIds: [partnerId],
      profileVars: { ...profileVars },
      timestamp: event.timestamp,
      siteNumber: event.siteNumber,
      sourceName,
      sourceNumber,
      data: { ...data },
    })),
  };
}

/**
 * Whether an event yields messages for a binding, and for which partner ids (distinct, in the event's order): the
 * decision `buildMessages` and `messageSizes` share.
 */
export function partnerIdsFor(
  event: RoutingEvent,
  binding: BindingSpec,
  connector: ConnectorSpec,
): { partnerIds: string[]; skipped?: undefined } | { partnerIds?: undefined; skipped: SkipReason } {
  if (event.siteNumber !== binding.siteNumber || event.siteNumber !== connector.siteNumber) return { skipped: 'other_site' };
  if (event.sourceId !== binding.source.id) return { skipped: 'other_source' };
  if (event.callType === 'MODIFIED' && !changeConcernsBinding(event.changedProperties, binding)) return { skipped: 'unmapped_change' };
  const partnerIds = distinct(event.profile.partnerIds[String(connector.partnerNumber)] ?? []);
  if (partnerIds.length === 0) return { skipped: 'no_partner_ids' };
  return { partnerIds };
}

function changeConcernsBinding(changed: readonly string[] | undefined, binding: BindingSpec): boolean {
  if (changed === undefined) return true;
  return binding.profileVariables.some((mapping) => changed.includes(mapping.property));
}

function mapProfileVariables(properties: Record<string, ProfileValue>, binding: BindingSpec): Record<string, ProfileValue> {
  // No prototype: every variable name is a plain key, `__proto__` included (assigning it would otherwise set the
  // prototype, and a second such mapping create the key after all).
  const vars = Object.create(null) as Record<string, ProfileValue>;
  for (const { name, property } of binding.profileVariables) {
    // A property the profile lacks is omitted, not sent as null: null means "known to be empty".
    if (Object.prototype.hasOwnProperty.call(properties, property)) vars[name] = properties[property];
  }
  return vars;
}

function distinct(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
