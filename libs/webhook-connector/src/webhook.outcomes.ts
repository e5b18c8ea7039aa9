import type { DeliveryOutcome, FailureCategory, FailureReason } from '@event-connectors/connector-sdk';
import type { HttpAnswer, TransportError } from './webhook-transport.js';

/** Longest wait a Retry-After may ask for: past it, the host's own backoff and maximum age take over. */
const MAX_RETRY_AFTER_MS = 3_600_000;

/** What a failure means for the message: retry or refuse, about the set-up or not, a request to slow down or not. */
interface Verdict {
  status: 'retryable' | 'rejected';
  scope?: 'destination';
  throttled?: true;
}

const retry: Verdict = { status: 'retryable' };
const slowDown: Verdict = { status: 'retryable', throttled: true };
const refuse: Verdict = { status: 'rejected' };
const setUp: Verdict = { status: 'rejected', scope: 'destination' };

/**
 * What a status means (Standard Webhooks, "Delivery success and failure"): 2xx delivered; 408, 5xx retried;
 * 429, 502 and 504 retried and slowed down; 410 Gone, a redirect (never followed), 401, 403 and 404 are about the
 * set-up (every message would fail alike: the host pauses the connector and keeps them); other 4xx refuse the message.
 */
export function verdictOfStatus(status: number): Verdict | 'delivered' {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 429 || status === 502 || status === 504) return slowDown;
  if (status === 408 || status >= 500) return retry;
  if ((status >= 300 && status < 400) || status === 401 || status === 403 || status === 404 || status === 410) return setUp;
  return refuse;
}

/** The table of network failures: which a retry can help with, and which need a person. */
export const TRANSPORT_VERDICTS: Readonly<Record<string, Verdict>> = {
  AddressNotAllowed: setUp,
  // Certificates: a person has to fix them (or their renewal lands); the messages are kept meanwhile.
  CERT_HAS_EXPIRED: setUp,
  DEPTH_ZERO_SELF_SIGNED_CERT: setUp,
  SELF_SIGNED_CERT_IN_CHAIN: setUp,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: setUp,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: setUp,
  ERR_TLS_CERT_ALTNAME_INVALID: setUp,
};

/** The statistics category of a status a person has to act on (429 counts as throttled by its verdict). */
const STATUS_CATEGORIES: Readonly<Record<number, FailureCategory>> = {
  401: 'invalid_credentials',
  403: 'access_denied',
  404: 'not_found',
  410: 'not_found',
  413: 'too_large',
};

/** The outcome of one answer. */
export function outcomeOfAnswer(answer: HttpAnswer, webhookId: string, now = Date.now()): DeliveryOutcome {
  const verdict = verdictOfStatus(answer.status);
  if (verdict === 'delivered') return { status: 'delivered', receipt: { webhookId, status: String(answer.status) } };
  const retryAfterMs = verdict.status === 'retryable' ? retryAfter(answer.headers['retry-after'], now) : undefined;
  const reason: FailureReason = {
    code: `HTTP_${answer.status}`,
    message: describe(answer),
    ...(verdict.scope && { scope: verdict.scope }),
    ...(verdict.throttled && { throttled: true }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
    ...(STATUS_CATEGORIES[answer.status] && { category: STATUS_CATEGORIES[answer.status] }),
  };
  return { status: verdict.status, reason };
}

/** The outcome of a request that got no answer: refused, reset, timed out, or stopped by the address policy. */
export function outcomeOfError(error: TransportError): DeliveryOutcome {
  const verdict = TRANSPORT_VERDICTS[error.code] ?? retry;
  return {
    status: verdict.status,
    reason: {
      code: error.code,
      message: error.message,
      ...(verdict.scope && { scope: verdict.scope }),
      ...(TIMEOUTS.has(error.code) && { timedOut: true }),
    },
  };
}

/** The transport's codes for a receiver that did not answer in time (webhook-transport.ts). */
const TIMEOUTS = new Set(['RequestTimeout', 'ConnectTimeout', 'ETIMEDOUT']);

/** Retry-After as delta-seconds or an HTTP date, in ms from `now`, capped; undefined when absent or unreadable. */
export function retryAfter(header: string | string[] | undefined, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_MS);
}

function describe(answer: HttpAnswer): string {
  const location =
    answer.status >= 300 && answer.status < 400 && answer.headers.location
      ? ` to ${answer.headers.location}: update the URL (redirects are not followed)`
      : '';
  const body = answer.body.replace(/\s+/g, ' ').trim().slice(0, 200);
  return `the receiver answered ${answer.status}${location}${body ? `: ${body}` : ''}`;
}
