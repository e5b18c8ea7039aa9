import type { BindingValue, ProfileValue } from './activation-message.js';
import type { BindingSpec, ConnectorSpec } from './binding.js';
import { partnerIdsFor, type SkipReason } from './build-messages.js';
import type { RoutingEvent } from './routing-event.js';

/** The sizes an event's messages for one binding will have, known before any of them is built. */
export type SizeResult = { partnerIds: string[]; bytes: number[]; skipped?: undefined } | { skipped: SkipReason };

/** UTF-8 bytes of a JSON value as JSON.stringify writes it. */
export function jsonBytes(value: ProfileValue | BindingValue): number {
  if (typeof value === 'string') return Buffer.byteLength(JSON.stringify(value), 'utf8');
  return JSON.stringify(value).length;
}

/** The message's JSON with every variable part empty: what the field names, quotes and punctuation cost. */
const SKELETON_BYTES =
  Buffer.byteLength(
    JSON.stringify({
      profileId: '',
      sourceId: '',
      partnerNumber: 0,
      callType: '',
      partnerIds: [''],
      profileVars: {},
      timestamp: 0,
      siteNumber: 0,
      sourceName: '',
      sourceNumber: 0,
      data: {},
    }),
    'utf8',
  ) - ['""', '""', '0', '""', '""', '{}', '0', '0', '""', '0', '{}'].join('').length;

// Sizes already measured, by the object they belong to: a request's events and bindings are measured once each,
// however many bindings map the same property or however many events meet the same binding.
const valueSizes = new WeakMap<object, Map<string, number>>();
const recordSizes = new WeakMap<object, number>();

/** The bytes of `record[key]` as JSON, remembered per record. */
function valueBytes(record: Readonly<Record<string, ProfileValue>>, key: string): number {
  let sizes = valueSizes.get(record);
  if (!sizes) valueSizes.set(record, (sizes = new Map<string, number>()));
  let size = sizes.get(key);
  if (size === undefined) sizes.set(key, (size = jsonBytes(record[key])));
  return size;
}

function recordBytes(record: Readonly<Record<string, BindingValue>>): number {
  let size = recordSizes.get(record);
  if (size === undefined) recordSizes.set(record, (size = Buffer.byteLength(JSON.stringify(record), 'utf8')));
  return size;
}

/**
 * The UTF-8 size of each message `buildMessages` would build for this event and binding (one per distinct partner
 * id, in the same order), computed from the parts' sizes without building any: a host can refuse what a request
 * would cost before paying it. Exact: equal to `Buffer.byteLength(JSON.stringify(message))` of each built message.
 */
export function messageSizes(event: RoutingEvent, binding: BindingSpec, connector: ConnectorSpec): SizeResult {
  const decided = partnerIdsFor(event, binding, connector);
  if (decided.skipped) return { skipped: decided.skipped };
  const { properties } = event.profile;
  // profileVars: {"name":value,...} over the mapped properties the profile has. Built by assignment, so a name
  // mapped twice is written once, with the later value.
  const mapped = new Map<string, string>();
  for (const { name, property } of binding.profileVariables)
    if (Object.prototype.hasOwnProperty.call(properties, property)) mapped.set(name, property);
  let varsBytes = 2 + Math.max(0, mapped.size - 1);
  for (const [name, property] of mapped) varsBytes += jsonBytes(name) + 1 + valueBytes(properties, property);
  const base =
    SKELETON_BYTES +
    jsonBytes(event.profile.profileId) +
    jsonBytes(event.sourceId) +
    jsonBytes(connector.partnerNumber) +
    jsonBytes(event.callType) +
    varsBytes +
    jsonBytes(event.timestamp) +
    jsonBytes(event.siteNumber) +
    jsonBytes(binding.sourceName ?? '') +
    (binding.source.type === 'audience' ? jsonBytes(binding.source.number) : 4) +
    recordBytes(binding.properties);
  return { partnerIds: decided.partnerIds, bytes: decided.partnerIds.map((partnerId) => base + jsonBytes(partnerId)) };
}
