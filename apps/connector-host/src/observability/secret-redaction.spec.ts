import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './secret-redaction.js';

const names = new Set(['signingSecret', 'secretAccessKey', 'headers']);

describe('redactSecrets', () => {
  it('blanks a secret name at any depth of objects and arrays, and copies only what it changes', () => {
    const untouched = { other: { deep: [1, 2] } };
    const logged = {
      settings: { url: 'https://x', signingSecret: 'whsec_abc', headers: { Authorization: 'Bearer t' } },
      list: [{ secretAccessKey: 'k' }],
      untouched,
    };
    const redacted = redactSecrets(logged, names);
    expect(redacted).toEqual({
      settings: { url: 'https://x', signingSecret: REDACTED, headers: REDACTED },
      list: [{ secretAccessKey: REDACTED }],
      untouched,
    });
    expect(redacted.untouched).toBe(untouched);
    expect(logged.settings.signingSecret).toBe('whsec_abc');
  });

  it('returns the very object when it holds no secret name', () => {
    const logged = { req: { id: '1' }, msg: 'ok' };
    expect(redactSecrets(logged, names)).toBe(logged);
    expect(redactSecrets('text', names)).toBe('text');
  });

  it('leaves class instances to pino serializers, and stops at a bounded depth', () => {
    class Request {
      headers = { authorization: 'x' };
    }
    const request = new Request();
    expect(redactSecrets({ request }, names).request).toBe(request);
    let deep: Record<string, unknown> = { signingSecret: 's' };
    for (let i = 0; i < 20; i++) deep = { deep };
    expect(redactSecrets(deep, names)).toBe(deep);
  });
});
