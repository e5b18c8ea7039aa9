import { MAX_MESSAGES_PER_REQUEST } from './pubsub.limits.js';

/** Deployment-wide options of the Pub/Sub connector (the same for every set-up), given by the host. */
export interface PubSubConnectorOptions {
  /**
   * Let a set-up name an emulator (`emulatorEndpoint`): it is then sent to without credentials, over plain gRPC.
   * For development and tests only; default false, and a host refuses it in production.
   */
  allowEmulator?: boolean;
  /** Deadline of one publish (connection, authentication and answer), ms; no retry inside it. Default 15000. */
  requestTimeoutMs?: number;
  /** Messages per deliver() call, at most Pub/Sub's 1000 per request. Default 1000. */
  maxBatchMessages?: number;
  /** Publishes one set-up has in flight at once (one request each, over its one channel). Default 100. */
  concurrency?: number;
}

export type ResolvedPubSubOptions = Required<PubSubConnectorOptions>;

/** Injection token of the checked options, defaults filled in. */
export const RESOLVED_PUBSUB_OPTIONS = Symbol('RESOLVED_PUBSUB_OPTIONS');

/** How long past the publishes' deadline a call still waits for their answers (theirs name the cause: DEADLINE_EXCEEDED). */
const DEADLINE_GRACE_MS = 250;

/** A call's publishes go out together, each within its deadline: the call ends when the slowest does, or at this. */
export function longestCallMs(options: ResolvedPubSubOptions): number {
  return options.requestTimeoutMs + DEADLINE_GRACE_MS;
}

/**
 * How long after a call starts a publish of it may still start (waiting for a slot): a publish started later could
 * land after the call's longest duration, which the host counts on (a lease handed over must find nothing in flight).
 */
export const START_WINDOW_MS = DEADLINE_GRACE_MS;

/** Checks the options and fills in defaults; throws at boot, naming the option, on a value that cannot work. */
export function resolvePubSubOptions(options: PubSubConnectorOptions): ResolvedPubSubOptions {
  return {
    allowEmulator: options.allowEmulator ?? false,
    requestTimeoutMs: integer('requestTimeoutMs', options.requestTimeoutMs, 15_000, 1, 600_000),
    maxBatchMessages: integer('maxBatchMessages', options.maxBatchMessages, MAX_MESSAGES_PER_REQUEST, 1, MAX_MESSAGES_PER_REQUEST),
    concurrency: integer('concurrency', options.concurrency, 100, 1, 1000),
  };
}

function integer(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`PubSubConnectorModule: ${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}
