import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { SecretBox } from '../secrets/secret-box.js';
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

/** What a presented session token turned out to be. */
export type SessionCheck =
  { valid: true; siteNumber: number; id: string } | { valid: false; expired: true; expiredAt: Date } | { valid: false; expired: false };

/** Who a session counts as for per-client limits (rate, intake memory): its site, whatever session it is. */
export function sessionClient(siteNumber: number): string {
  return `console-site:${siteNumber}`;
}

/** Whether a bearer credential has a session token's shape (a JWS in compact form), not a configured token's. */
export function looksLikeSession(presented: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(presented);
}

/**
 * Console sessions: a site's short-lived token for the console a platform embeds, so no admin token ever reaches a
 * browser. A JWT (HS256, via `jose`) naming the site, signed with a key derived from SECRETS_KEY: every instance
 * sharing the store verifies it, a key rotation keeps what was signed before valid until it expires, and nothing is
 * stored. It opens the admin API of its site only, until it expires (it cannot be revoked sooner: keep it short).
 */
@Injectable()
export class ConsoleSessions {
  private readonly keys: Uint8Array[];

  constructor(@Inject(SECRET_BOX) secretBox: SecretBox) {
    this.keys = secretBox.derivedKeys(PURPOSE);
  }

  async issue(siteNumber: number, seconds = DEFAULT_SESSION_SECONDS, now = Date.now()): Promise<IssuedSession> {
    const issuedAt = Math.floor(now / 1000);
    const token = await new SignJWT({ site: siteNumber })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + seconds)
      .sign(this.keys[0]);
    return { token, siteNumber, expiresAt: new Date((issuedAt + seconds) * 1000) };
  }

  /** Checks a presented token against every key (the current one first); never throws. */
  async check(token: string, now = Date.now()): Promise<SessionCheck> {
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
        if (typeof site !== 'number' || !Number.isInteger(site) || site < 1) return { valid: false, expired: false };
        return { valid: true, siteNumber: site, id: String(payload.jti) };
      } catch (error) {
        // Signed with this key but too old: say so (the console tells its user to reopen it from the platform).
        if (error instanceof errors.JWTExpired)
          return { valid: false, expired: true, expiredAt: new Date(Number(error.payload.exp) * 1000) };
      }
    }
    return { valid: false, expired: false };
  }
}
