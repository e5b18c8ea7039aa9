import type { CheckResult, FieldError } from '@event-connectors/connector-sdk';
import type { LimitReached } from './limit-reached.js';

/**
 * What a service refuses, in the domain's words. Services throw these and never an HTTP exception; the API
 * layer translates each kind to its status (api/domain-error.filter.ts).
 */
export abstract class DomainError extends Error {}

/** The input is wrong; `errors` names every failing field (`settings.region`, `events[3].sourceId`, …). */
export class InvalidInputError extends DomainError {
  constructor(readonly errors: FieldError[]) {
    const first = errors[0];
    super(first ? (first.message.startsWith(first.field) ? first.message : `${first.field}: ${first.message}`) : 'invalid input');
  }

  static field(field: string, message: string): InvalidInputError {
    return new InvalidInputError([{ field, message }]);
  }
}

/** The thing does not exist, or belongs to a site the caller may not see (which must look the same). */
export class NotFoundError extends DomainError {}

/** The change would contradict what is stored (e.g. the same binding twice). */
export class ConflictError extends DomainError {}

/** The caller may not do this (another site's data, a site-wide operation with a site-limited token). */
export class ForbiddenError extends DomainError {
  constructor(
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
  }
}

/** Well-formed, but cannot be done as asked: a reused idempotency key, a set-up whose strict check failed. */
export class UnprocessableError extends DomainError {
  constructor(
    message: string,
    readonly check?: CheckResult,
  ) {
    super(message);
  }
}

/** Nothing was stored; the same request may succeed later: a full backlog (`busy`) or a store or host that cannot take it now. */
export class RetryLaterError extends DomainError {
  constructor(
    readonly reason: 'busy' | 'unavailable',
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * A bound on what one request, client or tenant may cost was reached; nothing of the request was stored.
 * `tooLarge`: this request is too big as it is (413); `quota`: the tenant already holds as much as it may of
 * something it configures (422); `busy`: the tenant's backlog or share of the host is full for now (429).
 */
export class LimitExceededError extends DomainError {
  constructor(
    readonly kind: 'tooLarge' | 'quota' | 'busy',
    readonly limit: LimitReached,
    message: string,
    readonly errors: FieldError[] = [],
    readonly retryAfterSeconds?: number,
    /** The connector whose bound it is, when it is one connector's (its backlog cap). */
    readonly connectorId?: string,
  ) {
    super(message);
  }
}
