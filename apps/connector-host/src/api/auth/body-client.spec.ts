import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnderTest } from '../../../../../test/support/store-under-test.js';
import { readHostConfig } from '../../config/host.config.js';
import { SecretBox } from '../../secrets/secret-box.js';
import { ConsoleSessions } from '../../sessions/console-sessions.js';
import { ConsoleRevocationsRepository } from '../../store/sessions/console-revocations.repository.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';
import { bodyClientResolver } from './body-client.js';

// Who a console session's body is counted as, before it is read: against a real SQLite store (the revocations').
const config = readHostConfig({ ADMIN_TOKENS: 'body-client-admin-token-0123456789' });
let store: StoreUnderTest;
let sessions: ConsoleSessions;
let identify: ReturnType<typeof bodyClientResolver>;
const withToken = (token: string) => ({ headers: { authorization: `Bearer ${token}` }, ip: '203.0.113.9' });

beforeAll(async () => {
  store = await StoreUnderTest.create('sqlite');
  sessions = new ConsoleSessions(new SecretBox(randomBytes(32)), new ConsoleRevocationsRepository(store.database));
  identify = bodyClientResolver(config, new AuthFailureLimiter(config), sessions);
});
afterAll(() => store?.close());

describe('bodyClientResolver with console sessions', () => {
  it("counts a valid session as its site's, and refuses a revoked one before its body is read", async () => {
    const { token } = await sessions.issue(7, 600, Date.now() - 1000);
    expect(await identify(withToken(token))).toEqual({ client: 'console-site:7' });
    await sessions.revoke(7);
    const refused = await identify(withToken(token));
    expect(refused).toMatchObject({ refusal: { statusCode: 401, message: expect.stringContaining('by its platform') } });
  });

  it('answers 503 with a retry when the store cannot be read, never counting the body as anyone', async () => {
    const { token } = await sessions.issue(8);
    await store.close();
    expect(await identify(withToken(token))).toMatchObject({ refusal: { statusCode: 503 }, retryAfterSeconds: 5 });
  });
});
