/**
 * An error answered by Kinesis (or by the socket on the way), shaped as the AWS SDK shapes its own: `name` is the
 * service's error code, `$metadata.httpStatusCode` its status. The connector's error table (kinesis.errors.ts)
 * then classifies errors of the lean path and of the SDK alike.
 */
export class KinesisServiceError extends Error {
  readonly $metadata: { httpStatusCode?: number };

  constructor(code: string, message: string, httpStatusCode?: number) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode };
  }
}

/**
 * The error code of a JSON 1.1 error answer, found where the SDK looks for it: the `x-amzn-errortype` header, then
 * the body's `code` or `__type`; cleaned the SDK's way (`aws.protocol#Code:http://…` → `Code`).
 */
export function errorCodeOf(headerValue: string | undefined, body: Record<string, unknown> | undefined): string | undefined {
  const raw = headerValue ?? stringField(body, 'code') ?? stringField(body, '__type');
  if (raw === undefined) return undefined;
  let code = raw.split(',')[0];
  code = code.split(':')[0];
  if (code.includes('#')) code = code.split('#')[1];
  return code || undefined;
}

/** Decodes a non-200 answer into the error the SDK would have thrown for it. */
export function errorOfAnswer(status: number, headers: Record<string, string | string[] | undefined>, text: string): KinesisServiceError {
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's HTML page, a truncated answer): the status alone classifies it.
  }
  const header = headers['x-amzn-errortype'];
  const code = errorCodeOf(Array.isArray(header) ? header[0] : header, body) ?? 'UnknownError';
  const message = stringField(body, 'message') ?? stringField(body, 'Message') ?? `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  return new KinesisServiceError(code, message, status);
}

function stringField(body: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = body?.[key];
  return typeof value === 'string' ? value : undefined;
}
