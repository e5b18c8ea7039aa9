import { timingSafeEqual } from 'node:crypto';
import { type AccessToken, sha256, type TokenScope } from '../../config/access-tokens.config.js';

/** A short, stable digest of a token (of its SHA-256, as configured tokens are kept): what per-client limits count by. */
export function tokenDigest(tokenHash: Buffer): string {
  return tokenHash.subarray(0, 12).toString('hex');
}

/** What a request without a valid token is told (the guard's, and body admission's before the body is read). */
export const BEARER_REQUIRED = 'A valid bearer token is required (Authorization: Bearer <token>)';

/** What a request with an expired console session is told. */
export function sessionExpired(at: Date): string {
  return `This console session expired at ${at.toISOString()}: open the console again from the platform`;
}

/** `Authorization: Bearer <token>`, the scheme in any case (RFC 9110: schemes are case-insensitive). */
const BEARER = /^bearer[ \t]+(\S+)[ \t]*$/i;

/** The token a request presents, if any. */
export function presentedToken(authorization: string | undefined): string | undefined {
  return BEARER.exec(authorization ?? '')?.[1];
}

/** Who is calling: the scope of their token and, for a site-limited token, that site. */
export interface Principal {
  scope: TokenScope | 'unauthenticated-loopback';
  siteNumber?: number;
  /** A short, stable digest of the token (never the token): what per-client limits count by. */
  key?: string;
  /** A console session's (sessions/console-sessions.ts), not a configured token's. */
  session?: true;
}

/**
 * Finds the token a bearer credential matches. Compares hashes in constant time and looks at every
 * configured token whatever matched earlier, so timing reveals neither a token nor which one matched.
 */
export function matchToken(presented: string, tokens: readonly AccessToken[]): AccessToken | undefined {
  const hash = sha256(presented);
  let found: AccessToken | undefined;
  for (const token of tokens) {
    if (timingSafeEqual(hash, token.hash) && found === undefined) found = token;
  }
  return found;
}
