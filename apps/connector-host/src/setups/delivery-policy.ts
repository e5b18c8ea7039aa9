import Type, { type Static } from 'typebox';
import type { HostConfig } from '../config/host.config.js';
import type { DeliveryLimits, FieldError } from '@event-connectors/connector-sdk';

/**
 * What a tenant may choose about how its connector delivers, within the host's bounds: how long a message may stay
 * undelivered before it becomes a dead letter, the retry schedule, records per call and calls in flight. Every field
 * is optional; an absent one takes the host's value (DELIVERY_MAX_AGE_MS, DELIVERY_RETRY_BASE_MS,
 * DELIVERY_RETRY_MAX_MS, the connector's own batch limit, DELIVERY_MAX_IN_FLIGHT). A tenant may be gentler than the
 * host, never harder on it: no longer age, no faster retries (first or longest), no more calls in flight.
 */
export interface DeliveryPolicy {
  maxMessageAgeSeconds?: number;
  retryFirstDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Null in a form: the connector's own limit (as the view shows it). */
  maxRecordsPerCall?: number | null;
  maxCallsInFlight?: number;
}

/** The policy a connector delivers under: the tenant's choices, the host's values for the rest. */
export interface EffectiveDeliveryPolicy {
  maxMessageAgeMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Records per call, capped again by the connector's own limit when it delivers. */
  maxRecordsPerCall: number | null;
  maxInFlight: number;
}

type HostDelivery = Pick<HostConfig['delivery'], 'maxMessageAgeMs' | 'retryBaseMs' | 'retryMaxMs' | 'maxInFlight'>;

/** The longest retry delay a tenant may choose: a day (a message older than its maximum age stops anyway). */
const LONGEST_RETRY_MS = 86_400_000;
/** The most records per call a tenant may name (a connector's own limit caps it further). */
const MOST_RECORDS_PER_CALL = 10_000;

/** The view's shape: every field, resolved. */
export const DeliveryPolicyViewSchema = Type.Object(
  {
    maxMessageAgeSeconds: Type.Integer({ description: 'A message undelivered this long after acceptance becomes a dead letter' }),
    retryFirstDelayMs: Type.Integer({ description: 'The first retry delay; doubled per attempt (full jitter) up to retryMaxDelayMs' }),
    retryMaxDelayMs: Type.Integer(),
    maxRecordsPerCall: Type.Union([Type.Integer(), Type.Null()], { description: "Null: the connector's own limit" }),
    maxCallsInFlight: Type.Integer(),
  },
  {
    additionalProperties: false,
    description: "How the connector delivers: the tenant's choices within the host's bounds, the host's values for the rest",
  },
);
export type DeliveryPolicyView = Static<typeof DeliveryPolicyViewSchema>;

/** The named problems of a chosen policy against the host's bounds (fields as `deliveryPolicy.<name>`); none: it may be saved. */
export function deliveryPolicyProblems(policy: DeliveryPolicy, host: HostDelivery): FieldError[] {
  const problems: FieldError[] = [];
  const check = (name: keyof DeliveryPolicy, min: number, max: number, why: string) => {
    const value = policy[name];
    if (value === undefined || value === null) return;
    if (!Number.isInteger(value) || value < min || value > max)
      problems.push({ field: `deliveryPolicy.${name}`, message: `${name} must be an integer from ${min} to ${max} (${why})` });
  };
  check('maxMessageAgeSeconds', 1, Math.floor(host.maxMessageAgeMs / 1000), "the host's DELIVERY_MAX_AGE_MS");
  check('retryFirstDelayMs', host.retryBaseMs, LONGEST_RETRY_MS, "no faster than the host's DELIVERY_RETRY_BASE_MS");
  check(
    'retryMaxDelayMs',
    Math.max(policy.retryFirstDelayMs ?? host.retryBaseMs, host.retryMaxMs),
    LONGEST_RETRY_MS,
    "at least the first retry delay and the host's DELIVERY_RETRY_MAX_MS",
  );
  check('maxRecordsPerCall', 1, MOST_RECORDS_PER_CALL, "the connector's own limit caps it further");
  check('maxCallsInFlight', 1, host.maxInFlight, "the host's DELIVERY_MAX_IN_FLIGHT");
  return problems;
}

/** A stored policy's fields that are numbers; anything else in it (a row edited by hand, a bad write) is ignored. */
function storedPolicy(stored: string | null): DeliveryPolicy {
  if (!stored) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const fields = ['maxMessageAgeSeconds', 'retryFirstDelayMs', 'retryMaxDelayMs', 'maxRecordsPerCall', 'maxCallsInFlight'] as const;
  const policy: DeliveryPolicy = {};
  for (const field of fields) {
    const value = (parsed as Record<string, unknown>)[field];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 1) policy[field] = Math.floor(value);
  }
  return policy;
}

/**
 * The stored policy (JSON, or null for none) resolved against the host's values, and held within the host's bounds
 * as they are now: a policy saved under an operator's looser settings never outlives them.
 */
export function effectiveDeliveryPolicy(stored: string | null, host: HostDelivery): EffectiveDeliveryPolicy {
  const policy = storedPolicy(stored);
  const retryBaseMs = Math.max(policy.retryFirstDelayMs ?? host.retryBaseMs, host.retryBaseMs);
  return {
    maxMessageAgeMs: Math.min(
      policy.maxMessageAgeSeconds !== undefined ? policy.maxMessageAgeSeconds * 1000 : host.maxMessageAgeMs,
      host.maxMessageAgeMs,
    ),
    retryBaseMs,
    retryMaxMs: Math.max(policy.retryMaxDelayMs ?? host.retryMaxMs, host.retryMaxMs, retryBaseMs),
    maxRecordsPerCall: typeof policy.maxRecordsPerCall === 'number' ? Math.min(policy.maxRecordsPerCall, MOST_RECORDS_PER_CALL) : null,
    maxInFlight: Math.min(policy.maxCallsInFlight ?? host.maxInFlight, host.maxInFlight),
  };
}

/** A connector's limits under its policy: its own, with fewer records per call when the tenant chose fewer. */
export function limitsUnder(limits: DeliveryLimits, policy: EffectiveDeliveryPolicy): DeliveryLimits {
  const cap = policy.maxRecordsPerCall;
  return cap === null || cap >= limits.maxBatchMessages ? limits : { ...limits, maxBatchMessages: cap };
}

/** The policy as the API shows it. */
export function deliveryPolicyView(stored: string | null, host: HostDelivery): DeliveryPolicyView {
  const policy = effectiveDeliveryPolicy(stored, host);
  return {
    maxMessageAgeSeconds: Math.floor(policy.maxMessageAgeMs / 1000),
    retryFirstDelayMs: policy.retryBaseMs,
    retryMaxDelayMs: policy.retryMaxMs,
    maxRecordsPerCall: policy.maxRecordsPerCall,
    maxCallsInFlight: policy.maxInFlight,
  };
}
