import { settingsJsonSchema, validateSettings } from '@event-connectors/connector-sdk';
import { describe, expect, it } from 'vitest';
import { resolveWebhookOptions } from './webhook-connector.options.js';
import { WebhookConnector } from './webhook.connector.js';
import { generateSigningSecret } from './webhook-signature.js';

const connector = new WebhookConnector(resolveWebhookOptions({}));
const valid = { url: 'https://hooks.example.com/activation', signingSecret: generateSigningSecret() };
const failures = (form: Record<string, unknown>) => {
  const validation = validateSettings(connector, form);
  return validation.ok ? [] : validation.errors;
};

describe('WebhookSettings', () => {
  it('takes a url and a signing secret, and optionally a previous secret and extra headers', () => {
    expect(failures(valid)).toEqual([]);
    expect(
      failures({ ...valid, previousSigningSecret: generateSigningSecret(), headers: { Authorization: 'Bearer abc', 'X-Tenant': '42' } }),
    ).toEqual([]);
  });

  it('names every missing field', () => {
    expect(failures({}).map((error) => error.field)).toEqual(['settings.url', 'settings.signingSecret']);
  });

  it.each([
    ['a relative url', { url: '/hooks' }, 'settings.url'],
    ['an ftp url', { url: 'ftp://example.com/x' }, 'settings.url'],
    ['a url with a password', { url: 'https://user:pass@example.com/x' }, 'settings.url'],
    ['a url with a fragment', { url: 'https://example.com/x#y' }, 'settings.url'],
    ['a url over 2048 characters', { url: `https://example.com/${'a'.repeat(2048)}` }, 'settings.url'],
    ['a secret without whsec_', { signingSecret: Buffer.alloc(32).toString('base64') }, 'settings.signingSecret'],
    ['a secret of 16 bytes', { signingSecret: `whsec_${Buffer.alloc(16, 1).toString('base64')}` }, 'settings.signingSecret'],
    ['a previous secret that is not one', { previousSigningSecret: 'whsec_x' }, 'settings.previousSigningSecret'],
    ['headers that are not an object', { headers: ['Authorization: x'] }, 'settings.headers'],
    ['a header that replaces the content type', { headers: { 'Content-Type': 'text/plain' } }, 'settings.headers'],
    ['a header that forges a signature', { headers: { 'webhook-signature': 'v1,x' } }, 'settings.headers'],
    ['a header with a line break', { headers: { 'X-A': 'a\r\nX-Injected: 1' } }, 'settings.headers'],
    ['a header name with a space', { headers: { 'X A': '1' } }, 'settings.headers'],
    ['a header given twice', { headers: { 'X-A': '1', 'x-a': '2' } }, 'settings.headers'],
    ['21 headers', { headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-${i}`, '1'])) }, 'settings.headers'],
    ['an unknown field', { method: 'PUT' }, 'settings.method'],
  ])('refuses %s, naming the field', (_what, change, field) => {
    const errors = failures({ ...valid, ...change });
    expect(errors.map((error) => error.field)).toEqual([field]);
  });

  it('never quotes a header value in an error: values are secrets', () => {
    const [error] = failures({ ...valid, headers: { Authorization: `Bearer s3cret\n${'x'.repeat(5000)}` } });
    expect(error.message).not.toContain('s3cret');
  });

  it('shows a UI the url as a uri and the secrets as write-only, each field titled', () => {
    const schema = settingsJsonSchema(connector) as { properties: Record<string, Record<string, unknown>>; required: string[] };
    expect(schema.properties.url).toMatchObject({ format: 'uri', title: 'Endpoint URL' });
    expect(schema.properties.url.writeOnly).toBeUndefined();
    for (const secret of ['signingSecret', 'previousSigningSecret', 'headers'])
      expect(schema.properties[secret]).toMatchObject({ writeOnly: true, title: expect.any(String) });
    expect(schema.required.sort()).toEqual(['signingSecret', 'url']);
  });
});

describe('resolveWebhookOptions', () => {
  it('blocks private networks and requires https by default', () => {
    expect(resolveWebhookOptions({})).toMatchObject({
      blockPrivateNetworks: true,
      allowHttpToLoopback: false,
      allowedNetworks: [],
      requestTimeoutMs: 15_000,
      maxConcurrentRequests: 16,
    });
  });

  it('refuses an allowed network that is not an address or a CIDR, and out-of-range numbers', () => {
    expect(() => resolveWebhookOptions({ allowedNetworks: ['intranet'] })).toThrow(/allowedNetworks/);
    expect(() => resolveWebhookOptions({ maxConcurrentRequests: 0 })).toThrow(/maxConcurrentRequests/);
    expect(resolveWebhookOptions({ allowedNetworks: ['10.0.0.0/8', 'fd00::/8', '192.168.1.7'] }).allowedNetworks).toHaveLength(3);
  });
});

describe('hostile settings', () => {
  it('never throws on any form: validation answers, and what it accepts opens and vets', async () => {
    const fc = await import('fast-check');
    const development = new WebhookConnector(resolveWebhookOptions({ blockPrivateNetworks: false, allowHttpToLoopback: true }));
    const urlLike = fc.oneof(
      fc.webUrl(),
      fc.string(),
      fc.constantFrom(
        'https://[::1]/x',
        'https://h\u00e9.example/x',
        'https://a_b.example/',
        'http://127.0.0.1:0/',
        'https://x.example:99999/',
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            url: urlLike,
            signingSecret: fc.oneof(fc.constant(generateSigningSecret()), fc.string()),
            headers: fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
          },
          { requiredKeys: [] },
        ),
        async (form) => {
          const validation = validateSettings(development, form);
          if (!validation.ok) return;
          expect(Array.isArray(await development.vetSettings(validation.settings))).toBe(true);
          await development.open({ id: '0f7c2f1e-57a8-4a55-9e39-5a4c1d1e9c11', settings: validation.settings }).close();
        },
      ),
      { numRuns: 300, seed: 20261201 },
    );
  });
});
