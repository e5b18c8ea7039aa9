import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_ENGINES } from '../../../../test/support/postgres.js';
import { StoreUnderTest } from '../../../../test/support/store-under-test.js';
import { SecretBox } from '../secrets/secret-box.js';
import { ConsoleRevocationsRepository } from '../store/sessions/console-revocations.repository.js';
import { ConsoleSessions, looksLikeSession } from './console-sessions.js';

const key = randomBytes(32);
let store: StoreUnderTest;
let revocations: ConsoleRevocationsRepository;
let sessions: ConsoleSessions;

beforeAll(async () => {
  store = await StoreUnderTest.create('sqlite');
  revocations = new ConsoleRevocationsRepository(store.database);
  sessions = new ConsoleSessions(new SecretBox(key), revocations);
});
afterAll(() => store?.close());

describe('ConsoleSessions', () => {
  it('issues a token of its site that checks until it expires, then says when it expired', async () => {
    const now = Date.UTC(2026, 11, 4, 12, 0, 0);
    const issued = await sessions.issue(7, 600, now);
    expect(issued).toMatchObject({ siteNumber: 7, expiresAt: new Date(now + 600_000) });
    expect(looksLikeSession(issued.token)).toBe(true);
    expect(await sessions.check(issued.token, now + 599_000)).toEqual({ valid: true, siteNumber: 7, id: expect.any(String) });
    expect(await sessions.check(issued.token, now + 601_000)).toEqual({
      valid: false,
      expired: true,
      expiredAt: new Date(now + 600_000),
      revoked: false,
    });
  });

  it('refuses a token altered, signed with another key, or with the sealing key itself, and never throws', async () => {
    const { token } = await sessions.issue(7);
    const [header, payload, signature] = token.split('.');
    const otherSite = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), site: 8 })).toString(
      'base64url',
    );
    expect(await sessions.check(`${header}.${otherSite}.${signature}`)).toEqual({ valid: false, expired: false });
    expect(await sessions.check((await new ConsoleSessions(new SecretBox(randomBytes(32)), revocations).issue(7)).token)).toEqual({
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
    const rotated = new ConsoleSessions(new SecretBox(randomBytes(32), [key]), revocations);
    expect(await rotated.check(token)).toMatchObject({ valid: true, siteNumber: 9 });
    // And what the rotated host signs, the old one does not take.
    expect(await sessions.check((await rotated.issue(9)).token)).toEqual({ valid: false, expired: false });
  });
});

describe.each(STORE_ENGINES)('ConsoleSessions revoked on %s', (engine) => {
  let engineStore: StoreUnderTest;
  let revoking: ConsoleSessions;
  beforeAll(async () => {
    engineStore = await StoreUnderTest.create(engine);
    revoking = new ConsoleSessions(new SecretBox(key), new ConsoleRevocationsRepository(engineStore.database));
  });
  afterAll(() => engineStore?.close());

  it("refuses the site's sessions issued before a revocation, to the millisecond, and no other site's", async () => {
    const t = Date.UTC(2026, 11, 5, 9, 0, 0, 250);
    const before = await revoking.issue(7, 600, t - 1);
    const sameSecond = await revoking.issue(7, 600, t - 200);
    const otherSite = await revoking.issue(8, 600, t - 1);
    expect(await revoking.revoke(7, t)).toEqual(new Date(t));
    const after = await revoking.issue(7, 600, t);
    const ended = { valid: false, expired: true, expiredAt: new Date(t), revoked: true };
    expect(await revoking.check(before.token, t + 1000)).toEqual(ended);
    expect(await revoking.check(sameSecond.token, t + 1000)).toEqual(ended);
    expect(await revoking.check(after.token, t + 1000)).toMatchObject({ valid: true, siteNumber: 7 });
    expect(await revoking.check(otherSite.token, t + 1000)).toMatchObject({ valid: true, siteNumber: 8 });
    // A session from before the `issued` claim counts from its second (`iat`): revoked by a revocation in it.
    const unclaimed = (second: number) =>
      new SignJWT({ site: 7 })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer('connector-host')
        .setAudience('connector-console')
        .setJti(`before-the-claim-${second}`)
        .setIssuedAt(second)
        .setExpirationTime(second + 600)
        .sign(new SecretBox(key).derivedKeys('connector-host console sessions v1')[0]);
    expect(await revoking.check(await unclaimed(Math.floor(t / 1000)), t + 1000)).toEqual(ended);
    expect(await revoking.check(await unclaimed(Math.floor(t / 1000) + 1), t + 2000)).toMatchObject({ valid: true, siteNumber: 7 });
    // An earlier revocation arriving late (another instance's clock) never undoes a later one.
    expect(await revoking.revoke(7, t - 5000)).toEqual(new Date(t));
    expect(await revoking.check(after.token, t + 1000)).toMatchObject({ valid: true });
  });
});
