import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSigningSecret, secretKey, signatureHeaders, webhookId } from './webhook-signature.js';

// The specification's own test vector (standard-webhooks libraries, test_sign_function).
const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SPEC_PAYLOAD = '{"test": 2432232314}';

describe('signatureHeaders', () => {
  it("reproduces the specification's test vector byte for byte", () => {
    expect(signatureHeaders(SPEC_ID, 1614265330, SPEC_PAYLOAD, [secretKey(SPEC_SECRET)!])).toEqual({
      'webhook-id': SPEC_ID,
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('signs with every key during a rotation, and a receiver with either secret verifies it', () => {
    const [current, previous] = [generateSigningSecret(), generateSigningSecret()];
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ profileId: 'p', callType: 'NEW', data: { emoji: '🎉', quote: '"' } });
    const headers = signatureHeaders('msg_1', now, body, [secretKey(current)!, secretKey(previous)!]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [current, previous]) expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateSigningSecret()).verify(body, { ...headers })).toThrow(/No matching signature/);
    expect(() => new Webhook(current).verify(`${body} `, { ...headers })).toThrow(/No matching signature/);
  });
});

describe('secretKey', () => {
  it('takes whsec_ with the base64 of 24 to 64 bytes and nothing else', () => {
    const of = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString('base64')}`;
    expect(secretKey(of(24))?.length).toBe(24);
    expect(secretKey(of(64))?.length).toBe(64);
    for (const wrong of [of(23), of(65), Buffer.alloc(32).toString('base64'), 'whsec_not base64!', 'whsec_'])
      expect(secretKey(wrong)).toBeUndefined();
    expect(secretKey(generateSigningSecret())?.length).toBe(32);
  });
});

describe('webhookId', () => {
  it('is stable for a message, different across set-ups, and free of dots', () => {
    const setup = '1f81eb52-5198-4599-803e-771906343485';
    expect(webhookId(setup, '4097')).toBe('msg_1f81eb5251984599803e771906343485_4097');
    expect(webhookId(setup, '4097')).toBe(webhookId(setup, '4097'));
    expect(webhookId('2f81eb52-5198-4599-803e-771906343485', '4097')).not.toBe(webhookId(setup, '4097'));
    expect(webhookId(setup, '4097')).not.toContain('.');
  });
});
