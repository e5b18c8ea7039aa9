/**
 * One table: Kinesis error name -> whether a retry can help.
 * Sources: https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html#API_PutRecords_Errors
 * and https://docs.aws.amazon.com/kinesis/latest/APIReference/CommonErrors.html
 */
export type ErrorClass = 'retryable' | 'rejected';

export const KINESIS_ERROR_CLASSES: Readonly<Record<string, ErrorClass>> = {
  // Throttling and capacity: the stream will take it later.
  ProvisionedThroughputExceededException: 'retryable',
  LimitExceededException: 'retryable',
  ThrottlingException: 'retryable',
  KMSThrottlingException: 'retryable',
  // The service's own failures.
  InternalFailure: 'retryable',
  InternalFailureException: 'retryable',
  ServiceUnavailable: 'retryable',
  ServiceUnavailableException: 'retryable',
  // A stream being created or updated accepts writes again shortly.
  ResourceInUseException: 'retryable',
  // Time-bound signatures: the SDK signs each attempt anew, so a later attempt gets a fresh one.
  RequestExpired: 'retryable',
  ExpiredTokenException: 'retryable',
  // Transport: the request may not have reached the service.
  TimeoutError: 'retryable',
  RequestTimeout: 'retryable',
  RequestTimeoutException: 'retryable',
  NetworkingError: 'retryable',
  ECONNREFUSED: 'retryable',
  ECONNRESET: 'retryable',
  ETIMEDOUT: 'retryable',
  EPIPE: 'retryable',
  ENOTFOUND: 'retryable',
  EAI_AGAIN: 'retryable',
  EHOSTUNREACH: 'retryable',
  // Credentials and permissions: a person has to fix the set-up.
  AccessDeniedException: 'rejected',
  UnrecognizedClientException: 'rejected',
  InvalidSignatureException: 'rejected',
  IncompleteSignature: 'rejected',
  MissingAuthenticationToken: 'rejected',
  InvalidClientTokenId: 'rejected',
  NotAuthorized: 'rejected',
  OptInRequired: 'rejected',
  // The stream or the request itself.
  ResourceNotFoundException: 'rejected',
  InvalidArgumentException: 'rejected',
  ValidationException: 'rejected',
  ValidationError: 'rejected',
  SerializationException: 'rejected',
  RecordTooLarge: 'rejected',
  InvalidPartitionKey: 'rejected',
  // Server-side encryption keys the customer controls.
  KMSDisabledException: 'rejected',
  KMSInvalidStateException: 'rejected',
  KMSAccessDeniedException: 'rejected',
  KMSNotFoundException: 'rejected',
  KMSOptInRequired: 'rejected',
};

/**
 * Rejections that are about the set-up, not the record: every record would fail alike until a person fixes it.
 * Reported with `scope: 'destination'` so the host pauses the connector and keeps the messages.
 */
export const DESTINATION_ERRORS: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'InvalidClientTokenId',
  'NotAuthorized',
  'OptInRequired',
  'ResourceNotFoundException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSAccessDeniedException',
  'KMSNotFoundException',
  'KMSOptInRequired',
]);

/** Errors by which the stream asks the producer to slow down. */
export const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ThrottlingException',
  'KMSThrottlingException',
]);

/** The name an error goes by: the service's error code, or the socket's code for transport failures. */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const candidate = error as { name?: unknown; code?: unknown; Code?: unknown; $metadata?: unknown };
    if (typeof candidate.code === 'string' && /^E[A-Z_]+$/.test(candidate.code)) return candidate.code;
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
 * Classifies an error. Unknown names fall back on the HTTP status (4xx: the request is wrong; 5xx: the
 * service is), and anything else is retryable: a message kept and retried until its maximum age is
 * recoverable, a message wrongly dropped is not.
 */
export function classifyError(code: string, status?: number): ErrorClass {
  const known = KINESIS_ERROR_CLASSES[code];
  if (known) return known;
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) return 'rejected';
  return 'retryable';
}

/** The failure reason the host sees: code and message, with its scope and whether it asks to slow down. */
export function failureReason(code: string, message: string): { code: string; message: string; scope?: 'destination'; throttled?: true } {
  return {
    code,
    message,
    ...(DESTINATION_ERRORS.has(code) && { scope: 'destination' as const }),
    ...(THROTTLING_ERRORS.has(code) && { throttled: true as const }),
  };
}
