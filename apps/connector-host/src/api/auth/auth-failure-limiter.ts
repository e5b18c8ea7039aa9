import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { RetryLaterError } from '../../common/domain-errors.js';
import { HOST_CONFIG, type HostConfig } from '../../config/host.config.js';

const WINDOW_MS = 60_000;
/** Client addresses remembered at most: a spray from many addresses costs bounded memory (the oldest are forgotten). */
const MAX_CLIENTS = 100_000;

/**
 * Failed authentications per client address: past AUTH_FAILURES_PER_MINUTE, that address's requests without a
 * valid token get 429 (not 401) until its minute is over, so guessing tokens stays slow and cheap to refuse; a
 * request with a valid token is never held by it (many clients may share one address behind a proxy).
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly failures = new LRUCache<string, { count: number; since: number }>({ max: MAX_CLIENTS });

  constructor(@Inject(HOST_CONFIG) private readonly config: HostConfig) {}

  /** Refuses a client that failed too often within its current minute. */
  refuseIfBlocked(client: string, now = Date.now()): void {
    const entry = this.failures.get(client);
    if (!entry || now - entry.since >= WINDOW_MS || entry.count < this.config.authFailuresPerMinute) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((entry.since + WINDOW_MS - now) / 1000));
    throw new RetryLaterError(
      'busy',
      `Too many requests without a valid token from this address (AUTH_FAILURES_PER_MINUTE=${this.config.authFailuresPerMinute}); retry after ${retryAfterSeconds} s`,
      retryAfterSeconds,
    );
  }

  failed(client: string, now = Date.now()): void {
    const entry = this.failures.get(client);
    if (!entry || now - entry.since >= WINDOW_MS) this.failures.set(client, { count: 1, since: now });
    else entry.count++;
  }
}
