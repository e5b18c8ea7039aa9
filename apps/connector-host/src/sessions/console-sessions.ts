import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import { RetryLaterError } from '../common/domain-errors.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { ConsoleRevocationsRepository } from '../store/sessions/console-revocations.repository.js';
import { SECRET_BOX } from '../setups/secret-box.provider.js';

/** How long a session lasts unless asked otherwise, and at most. */
export const DEFAULT_SESSION_SECONDS = 15 * 60;
export const MAX_SESSION_SECONDS = 12 * 3600;

const AUDIENCE = 'connector-console';
const ISSUER = 'connector-host';
/** The derived key's purpose: sessions are signed with it, never with the key that seals secrets. */
const PURPOSE = 'connector-host console sessions v1';

/** A session opened for a site: the token the console presents, and when it stops working. */
export interface IssuedSession {
  token: string;
  siteNumber: number;
  expiresAt: Date;
}

/** What a presented session token turned out to be: valid, ended (expired, or revoked by its platform) or not one. */
export type SessionCheck =
  | { valid: true; siteNumber: number; id: string }
  | { valid: false; expired: true; expiredAt: Date; revoked: boolean }
  | { valid: false; expired: false };

/** Who a session counts as for per-client limits (rate, intake memory): its site, whatever session it is. */
export function sessionClient(siteNumber: number): string {
  return `console-site:${siteNumber}`;
}

/** What a session's request is told when the store, which holds its site's revocation, cannot be read (503). */
export function sessionStoreUnreadable(): RetryLaterError {
  return new RetryLaterError('unavailable', 'The store could not be read to check this console session: try again shortly', 5);
}

/** Whether a bearer credential has a session token's shape (a JWS in compact form), not a configured token's. */
export function looksLikeSession(presented: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(presented);
}

/**
 * Console sessions: a site's short-lived token for the console a platform embeds, so no admin token ever reaches a
 * browser. A JWT (HS256, via `jose`) naming the site, signed with a key derived from SECRETS_KEY: every instance
 * sharing the store verifies it, a key rotation keeps what was signed before valid until it expires, and nothing is
 * stored per session. It opens the admin API of its site only, until it expires or its platform revokes the site's
 * sessions (one row per site, read by key on each request: every instance refuses them at once).
 */
@Injectable()
export class ConsoleSessions {
  private readonly keys: Uint8Array[];

  constructor(
    @Inject(SECRET_BOX) secretBox: SecretBox,
    private readonly revocations: ConsoleRevocationsRepository,
  ) {
    this.keys = secretBox.derivedKeys(PURPOSE);
  }

  async issue(siteNumber: number, seconds = DEFAULT_SESSION_SECONDS, now = Date.now()): Promise<IssuedSession> {
    const issuedAt = Math.floor(now / 1000);
    // `issued`: the time in ms, so a session opened right after a revocation is not taken for one before it.
    const token = await new SignJWT({ site: siteNumber, issued: now })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + seconds)
      .sign(this.keys[0]);
    return { token, siteNumber, expiresAt: new Date((issuedAt + seconds) * 1000) };
  }

  /**
   * Checks a presented token: its signature, its expiry and its site's revocation (a read of the store, which throws
   * only when the store cannot be read).
   */
  async check(token: string, now = Date.now()): Promise<SessionCheck> {
    const { check, issuedAt } = await this.verify(token, now);
    if (!check.valid) return check;
    const revokedBefore = await this.revocations.revokedBefore(check.siteNumber);
    if (revokedBefore !== undefined && issuedAt < revokedBefore)
      return { valid: false, expired: true, expiredAt: new Date(revokedBefore), revoked: true };
    return check;
  }

  /** Revokes every session of the site issued before `now`; the revocation in force (a later one stays). */
  async revoke(siteNumber: number, now = Date.now()): Promise<Date> {
    return new Date(await this.revocations.revoke(siteNumber, now));
  }

  /** Verifies a token against every key (the current one first), with when it was issued (ms); never throws. */
  private async verify(token: string, now: number): Promise<{ check: SessionCheck; issuedAt: number }> {
    const invalid = { check: { valid: false, expired: false } as const, issuedAt: 0 };
    for (const key of this.keys) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          audience: AUDIENCE,
          issuer: ISSUER,
          currentDate: new Date(now),
          requiredClaims: ['exp', 'jti', 'site'],
        });
        const site = payload.site;
        if (typeof site !== 'number' || !Number.isInteger(site) || site < 1) return invalid;
        // Sessions issued before `issued` was a claim: their second (a revocation in that second revokes them).
        const issuedAt = typeof payload.issued === 'number' ? payload.issued : Number(payload.iat ?? 0) * 1000;
        return { check: { valid: true, siteNumber: site, id: String(payload.jti) }, issuedAt };
      } catch (error) {
        // Signed with this key but too old: say so (the console tells its user to reopen it from the platform).
        if (error instanceof errors.JWTExpired)
          return {
            check: { valid: false, expired: true, expiredAt: new Date(Number(error.payload.exp) * 1000), revoked: false },
            issuedAt: 0,
          };
      }
    }
    return invalid;
  }
}
