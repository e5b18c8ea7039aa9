import type { FailureCategory, FailureReason } from '@event-connectors/connector-sdk';

/** What `check()` tells a person for an error, by kind (the wording lives in kinesis.problems.ts). */
export type KinesisProblemKind =
  | 'credentialsRejected'
  | 'accessDenied'
  | 'streamNotFound'
  | 'endpointUnreachable'
  | 'assumeRoleDenied'
  | 'externalIdMismatch'
  | 'credentialsExpired'
  | 'stsRegionDisabled'
  | 'hostCredentialsMissing'
  | 'trustPolicyWithoutExternalId'
  | 'assumeRoleRateLimited';

/** Everything the connector knows about one error code. */
export interface KinesisErrorRow {
  /** Whether a retry can help. */
  outcome: 'retryable' | 'rejected';
  /**
   * `destination`: about the set-up, not the record (every record would fail alike until a person fixes it):
   * the host pauses the connector and keeps the messages.
   */
  scope?: 'destination';
  /** The stream asks the producer to slow down. */
  throttled?: true;
  /** The problem `check()` names for it; others are reported as unexpected. */
  problem?: KinesisProblemKind;
  /** The kind the traffic statistics count it under (throttling rows count as `throttled` without one). */
  category?: FailureCategory;
  /** No answer came in time: the host counts calls that only time out to find a stalled endpoint. */
  timedOut?: true;
}

const retryable: KinesisErrorRow = { outcome: 'retryable' };
const throttling: KinesisErrorRow = { outcome: 'retryable', throttled: true };
const transport: KinesisErrorRow = { outcome: 'retryable', problem: 'endpointUnreachable' };
const timeout: KinesisErrorRow = { ...transport, timedOut: true };
const rejected: KinesisErrorRow = { outcome: 'rejected' };
const setUp: KinesisErrorRow = { outcome: 'rejected', scope: 'destination' };
const credentials: KinesisErrorRow = {
  outcome: 'rejected',
  scope: 'destination',
  problem: 'credentialsRejected',
  category: 'invalid_credentials',
};
const denied: KinesisErrorRow = { outcome: 'rejected', scope: 'destination', problem: 'accessDenied', category: 'access_denied' };
const keyDenied: KinesisErrorRow = { ...setUp, category: 'access_denied' };
const keyMissing: KinesisErrorRow = { ...setUp, category: 'not_found' };
const expired: KinesisErrorRow = { outcome: 'retryable', problem: 'credentialsExpired', category: 'invalid_credentials' };

/**
 * The one table of Kinesis error codes, one row per code.
 * Sources: https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html#API_PutRecords_Errors
 * and https://docs.aws.amazon.com/kinesis/latest/APIReference/CommonErrors.html
 */
export const KINESIS_ERRORS: Readonly<Record<string, KinesisErrorRow>> = {
  // Throttling and capacity: the stream will take it later.
  ProvisionedThroughputExceededException: throttling,
  LimitExceededException: throttling,
  ThrottlingException: throttling,
  KMSThrottlingException: throttling,
  // The service's own failures.
  InternalFailure: retryable,
  InternalFailureException: retryable,
  ServiceUnavailable: retryable,
  ServiceUnavailableException: retryable,
  // A stream being created or updated accepts writes again shortly.
  ResourceInUseException: retryable,
  // Time-bound signatures: each attempt is signed anew, so a later attempt gets a fresh one; an expired session
  // token is renewed (assumed roles renew before expiry; the host's own chain renews its own).
  RequestExpired: retryable,
  ExpiredTokenException: expired,
  // Transport: the request may not have reached the service.
  TimeoutError: timeout,
  RequestTimeout: timeout,
  RequestTimeoutException: timeout,
  NetworkingError: transport,
  // Credentials and permissions: a person has to fix the set-up.
  UnrecognizedClientException: credentials,
  InvalidSignatureException: credentials,
  InvalidClientTokenId: credentials,
  IncompleteSignature: credentials,
  MissingAuthenticationToken: credentials,
  AccessDeniedException: denied,
  NotAuthorized: denied,
  OptInRequired: setUp,
  // Assuming the customer's role (credentials/assume-role-failure.ts names STS's answers): a refused role is the
  // customer's set-up (trust policy, external id); expired host credentials are the host's and renew.
  AssumeRoleDenied: { ...setUp, problem: 'assumeRoleDenied', category: 'access_denied' },
  ExternalIdMismatch: { ...setUp, problem: 'externalIdMismatch', category: 'access_denied' },
  CredentialsExpired: expired,
  StsRegionDisabled: { ...setUp, problem: 'stsRegionDisabled' },
  // A role its trust policy lets anyone assume through this service: not used until the policy requires the id.
  TrustPolicyWithoutExternalId: { ...setUp, problem: 'trustPolicyWithoutExternalId', category: 'access_denied' },
  // The tenant's assumes were refused too often: none for a while. The messages wait, and the set-up pauses like
  // one whose role is refused (which is what keeps happening to it) instead of retrying until they age out.
  AssumeRoleRateLimited: { ...setUp, problem: 'assumeRoleRateLimited', category: 'access_denied' },
  // The host's own identity is missing: an operator's fix, not the customer's; the messages wait.
  HostCredentialsMissing: { outcome: 'retryable', problem: 'hostCredentialsMissing' },
  Throttling: throttling,
  // The stream or the request itself.
  ResourceNotFoundException: { outcome: 'rejected', scope: 'destination', problem: 'streamNotFound', category: 'not_found' },
  InvalidArgumentException: rejected,
  ValidationException: rejected,
  ValidationError: rejected,
  SerializationException: rejected,
  RecordTooLarge: { ...rejected, category: 'too_large' },
  InvalidPartitionKey: rejected,
  // Server-side encryption keys the customer controls.
  KMSDisabledException: setUp,
  KMSInvalidStateException: setUp,
  KMSAccessDeniedException: keyDenied,
  KMSNotFoundException: keyMissing,
  KMSOptInRequired: setUp,
};

/** Socket error codes (ECONNREFUSED, ETIMEDOUT, EAI_AGAIN, …) are all one row: the endpoint was not reached. */
const SOCKET_ERROR = /^E[A-Z_]+$/;

/** The row of a code: the table's, the socket row for any socket error code, else none. */
export function kinesisErrorRow(code: string): KinesisErrorRow | undefined {
  return KINESIS_ERRORS[code] ?? (SOCKET_ERROR.test(code) ? transport : undefined);
}

/** The name an error goes by: the service's error code, or the socket's code for transport failures. */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const candidate = error as { name?: unknown; code?: unknown; Code?: unknown };
    if (typeof candidate.code === 'string' && SOCKET_ERROR.test(candidate.code)) return candidate.code;
    if (typeof candidate.name === 'string' && candidate.name !== 'Error') return candidate.name;
    if (typeof candidate.Code === 'string') return candidate.Code;
    if (typeof candidate.code === 'string') return candidate.code;
  }
  return 'UnknownError';
}

/** The HTTP status a service error came with, when it came from the service. */
export function httpStatus(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata;
  return metadata?.httpStatusCode;
}

/**
 * Whether a retry can help. Codes not in the table fall back on the HTTP status (4xx: the request is wrong;
 * 5xx: the service is), and anything else is retryable: a message kept and retried until its maximum age is
 * recoverable, a message wrongly dropped is not.
 */
export function classifyError(code: string, status?: number): KinesisErrorRow['outcome'] {
  const row = kinesisErrorRow(code);
  if (row) return row.outcome;
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) return 'rejected';
  return 'retryable';
}

/** The failure reason the host sees: code and message, with the row's scope and whether it asks to slow down. */
export function failureReason(code: string, message: string): FailureReason {
  const row = kinesisErrorRow(code);
  return {
    code,
    message,
    ...(row?.scope && { scope: row.scope }),
    ...(row?.throttled && { throttled: true }),
    ...(row?.category && { category: row.category }),
    ...(row?.timedOut && { timedOut: true }),
  };
}
