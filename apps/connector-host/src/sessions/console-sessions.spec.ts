import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../secrets/secret-box.js';
import { ConsoleSessions, looksLikeSession } from './console-sessions.js';

const key = randomBytes(32);
const sessions = new ConsoleSessions(new SecretBox(key));

describe('ConsoleSessions', () => {
  it('issues a token of its site that checks until it expires, then says when it expired', async () => {
    const now = Date.UTC(2026, 11, 4, 12, 0, 0);
    const issued = await sessions.issue(7, 600, now);
    expect(issued).toMatchObject({ siteNumber: 7, expiresAt: new Date(now + 600_000) });
    expect(looksLikeSession(issued.token)).toBe(true);
    expect(await sessions.check(issued.token, now + 599_000)).toEqual({ valid: true, siteNumber: 7, id: expect.any(String) });
    expect(await sessions.check(issued.token, now + 601_000)).toEqual({ valid: false, expired: true, expiredAt: new Date(now + 600_000) });
  });

  it('refuses a token altered, signed with another key, or with the sealing key itself, and never throws', async () => {
    const { token } = await sessions.issue(7);
    const [header, payload, signature] = token.split('.');
    const otherSite = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), site: 8 })).toString(
      'base64url',
    );
    expect(await sessions.check(`${header}.${otherSite}.${signature}`)).toEqual({ valid: false, expired: false });
    expect(await sessions.check((await new ConsoleSessions(new SecretBox(randomBytes(32))).issue(7)).token)).toEqual({
      valid: false,
      expired: false,
    });
    const withSealingKey = await new SignJWT({ site: 7 })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('connector-host')
      .setAudience('connector-console')
      .setJti('x')
      .setExpirationTime('10m')
      .sign(new Uint8Array(key));
    expect(await sessions.check(withSealingKey)).toEqual({ valid: false, expired: false });
    expect(await sessions.check('not.a.token')).toEqual({ valid: false, expired: false });
  });

  it('keeps sessions signed before a key rotation valid (the old key is a previous one now)', async () => {
    const { token } = await sessions.issue(9);
    const rotated = new ConsoleSessions(new SecretBox(randomBytes(32), [key]));
    expect(await rotated.check(token)).toMatchObject({ valid: true, siteNumber: 9 });
    // And what the rotated host signs, the old one does not take.
    expect(await sessions.check((await rotated.issue(9)).token)).toEqual({ valid: false, expired: false });
  });
});
