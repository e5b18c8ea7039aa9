import { type AccessToken } from '../../config/access-tokens.config.js';
import { accessControlOn, type HostConfig } from '../../config/host.config.js';
import { type RetryLaterError } from '../../common/domain-errors.js';
import type { ErrorBody } from '../error-body.js';
import type { AuthFailureLimiter } from './auth-failure-limiter.js';
import { BEARER_REQUIRED, matchToken, presentedToken, sessionExpired, tokenDigest } from './access-tokens.js';
import { type ConsoleSessions, looksLikeSession, sessionClient } from '../../sessions/console-sessions.js';

/** Who a request with a body is, before its body is read: a verified client, or the refusal it gets at once. */
export type BodyClient = { client: string } | { refusal: ErrorBody; retryAfterSeconds?: number; authenticate?: string };

/**
 * Identifies the sender of a body before the host reads it. With tokens configured, only a valid token gets a
 * share of the intake memory (keyed by the token), so requests without one cost nothing but their refusal (401, or
 * 429 for an address over AUTH_FAILURES_PER_MINUTE) and invented tokens cannot each claim a share of their own.
 * Without tokens (loopback only) the address is the client.
 */
export function bodyClientResolver(config: HostConfig, failures: AuthFailureLimiter, sessions: ConsoleSessions) {
  const tokens: AccessToken[] = [...config.adminTokens, ...config.ingestTokens, ...config.metricsTokens];
  const on = accessControlOn(config);
  const resolve = (presented: string | undefined, ip: string): BodyClient => {
    if (!on) return { client: `address:${ip}` };
    const token = presented ? matchToken(presented, tokens) : undefined;
    if (token) return { client: tokenDigest(token.hash) };
    return refuse(ip);
  };
  const refuse = (ip: string, expired?: Date): BodyClient => {
    try {
      failures.refuseIfBlocked(ip);
    } catch (error) {
      const blocked = error as RetryLaterError;
      return {
        refusal: {
          statusCode: 429,
          error: 'Too Many Requests',
          message: blocked.message,
          errors: [],
          retryAfterSeconds: blocked.retryAfterSeconds,
        },
        retryAfterSeconds: blocked.retryAfterSeconds,
      };
    }
    failures.failed(ip);
    return {
      refusal: {
        statusCode: 401,
        error: 'Unauthorized',
        message: expired ? sessionExpired(expired) : BEARER_REQUIRED,
        errors: [],
      },
      ...(expired ? { authenticate: 'Bearer error="invalid_token"' } : {}),
    };
  };
  return (request: { headers: { authorization?: string }; ip: string }): BodyClient | Promise<BodyClient> => {
    const presented = presentedToken(request.headers.authorization);
    if (presented === undefined || !looksLikeSession(presented)) return resolve(presented, request.ip);
    // A console session's share of intake memory is its own, as the guard lets it in (see auth.guard.ts).
    return sessions.check(presented).then((session) => {
      if (session.valid) return { client: sessionClient(session.siteNumber) };
      if (session.expired) return refuse(request.ip, session.expiredAt);
      // Without configured tokens nothing else could match it (as the guard decides).
      return on ? resolve(presented, request.ip) : refuse(request.ip);
    });
  };
}
