import type { DeliveryOutcome, FailureCategory, FailureReason } from '@event-connectors/connector-sdk';

/** What `check()` tells a person for an error, by kind (the wording lives in pubsub.problems.ts). */
export type PubSubProblemKind = 'topicNotFound' | 'permissionDenied' | 'invalidCredentials' | 'unreachable';

/** Everything the connector knows about one status. */
export interface PubSubErrorRow {
  /** Whether a retry can help. */
  outcome: 'retryable' | 'rejected';
  /** `destination`: the set-up is wrong (every message would fail alike): the host pauses it and keeps the messages. */
  scope?: 'destination';
  /** Pub/Sub asks the publisher to slow down. */
  throttled?: true;
  /** No answer came within the deadline. */
  timedOut?: true;
  /** The problem `check()` names for it; others are reported as unexpected. */
  problem?: PubSubProblemKind;
  /** The kind the traffic statistics count it under (throttling counts as `throttled` without one). */
  category?: FailureCategory;
}

const retryable: PubSubErrorRow = { outcome: 'retryable' };
const rejected: PubSubErrorRow = { outcome: 'rejected' };
const setUp: PubSubErrorRow = { outcome: 'rejected', scope: 'destination' };
const unreachable: PubSubErrorRow = { outcome: 'retryable', problem: 'unreachable' };

/**
 * The one table of Pub/Sub's answers to a publish, one row per gRPC status
 * (https://cloud.google.com/pubsub/docs/reference/error-codes) and per refusal of the connector's own.
 */
export const PUBSUB_ERRORS: Readonly<Record<string, PubSubErrorRow>> = {
  // The set-up: a person has to fix it; the messages wait while the set-up is paused.
  NOT_FOUND: { ...setUp, problem: 'topicNotFound', category: 'not_found' },
  PERMISSION_DENIED: { ...setUp, problem: 'permissionDenied', category: 'access_denied' },
  UNAUTHENTICATED: { ...setUp, problem: 'invalidCredentials', category: 'invalid_credentials' },
  // The topic's customer-managed encryption key is disabled, or its storage policy refuses this region.
  FAILED_PRECONDITION: setUp,
  // The endpoint does not serve Pub/Sub's API (a wrong emulator address).
  UNIMPLEMENTED: setUp,
  // This deployment allows no emulator, and the set-up names one.
  EmulatorNotAllowed: setUp,
  // The topic has a schema the activation message does not match (INVALID_ARGUMENT saying so): every message would
  // fail alike, so the set-up pauses and keeps them until its schema is fixed, instead of a dead letter per message.
  SCHEMA_MISMATCH: setUp,
  // Not reached, or no answer in time: the message may not have arrived.
  UNAVAILABLE: unreachable,
  DEADLINE_EXCEEDED: { ...unreachable, timedOut: true },
  // Quota or flow control: the topic will take it later, more slowly.
  RESOURCE_EXHAUSTED: { outcome: 'retryable', throttled: true },
  // Pub/Sub's own failures.
  ABORTED: retryable,
  INTERNAL: retryable,
  UNKNOWN: retryable,
  CANCELLED: retryable,
  DATA_LOSS: retryable,
  // The message itself (too large, a bad attribute): it will never be taken as it is.
  INVALID_ARGUMENT: rejected,
  OUT_OF_RANGE: rejected,
};

/** gRPC's status names by number (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
const GRPC_STATUS = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

// gRPC reports a failure to authenticate a call (before it reaches Pub/Sub) as this, with the auth library's words.
const AUTH_FAILURE = /Getting metadata from plugin failed/;
const CREDENTIALS_REFUSED = /invalid_grant|invalid_client|unauthorized_client|account not found/i;
// Pub/Sub's words for a message its topic's schema refuses ("Invalid data in message: Message failed schema validation").
const SCHEMA_FAILURE = /schema validation/i;

/** The status an error stands for: gRPC's name, or the code of a refusal of the connector's own. */
export function statusOf(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  // The key was refused where it was exchanged, or that exchange was not reached.
  if (AUTH_FAILURE.test(text)) return CREDENTIALS_REFUSED.test(text) ? 'UNAUTHENTICATED' : 'UNAVAILABLE';
  const status = typeof code === 'number' ? (GRPC_STATUS[code] ?? 'UNKNOWN') : undefined;
  if (status === 'INVALID_ARGUMENT' && SCHEMA_FAILURE.test(`${text} ${wordsOf(error)}`)) return 'SCHEMA_MISMATCH';
  if (status !== undefined) return status;
  if (typeof code === 'string' && code !== '') return code;
  return 'UNKNOWN';
}

/** The row of a status: codes not in the table are retryable, since a kept message can still go, a dropped one cannot. */
export function errorRow(status: string): PubSubErrorRow {
  return PUBSUB_ERRORS[status] ?? retryable;
}

/** The outcome of a message whose publish failed. */
export function outcomeOfError(error: unknown): DeliveryOutcome {
  const status = statusOf(error);
  const row = errorRow(status);
  return { status: row.outcome, reason: failureReason(status, wordsOf(error)) };
}

/** The failure reason the host sees: the status and Pub/Sub's words, with what the row says of it. */
export function failureReason(status: string, message: string): FailureReason {
  const row = errorRow(status);
  return {
    code: status,
    message,
    ...(row.scope && { scope: row.scope }),
    ...(row.throttled && { throttled: true }),
    ...(row.category && { category: row.category }),
    ...(row.timedOut && { timedOut: true }),
  };
}

/** Pub/Sub's own words (gRPC's details), on one line and short. */
export function wordsOf(error: unknown): string {
  const { details, message } = (error ?? {}) as { details?: unknown; message?: unknown };
  const words = typeof details === 'string' && details.trim() !== '' ? details : typeof message === 'string' ? message : String(error);
  return words.replace(/\s+/g, ' ').trim().slice(0, 300);
}
