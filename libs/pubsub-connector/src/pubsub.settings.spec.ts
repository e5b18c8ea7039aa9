import { generateKeyPairSync } from 'node:crypto';
import { settingsJsonSchema, splitSecrets, validateSettings } from '@event-connectors/connector-sdk';
import { describe, expect, it } from 'vitest';
import { resolvePubSubOptions } from './pubsub-connector.options.js';
import { PubSubConnector } from './pubsub.connector.js';

const connector = new PubSubConnector(resolvePubSubOptions({}));
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const keyFile = {
  type: 'service_account',
  project_id: 'activation-prod',
  private_key_id: '0123456789abcdef',
  private_key: privateKey,
  client_email: 'activation-publisher@activation-prod.iam.gserviceaccount.com',
  client_id: '100000000000000000001',
  token_uri: 'https://oauth2.googleapis.com/token',
};
const key = (change: Record<string, unknown> = {}) => JSON.stringify({ ...keyFile, ...change }, null, 2);
const valid = { projectId: 'activation-prod', topicId: 'activations', serviceAccountKey: key() };
const failures = (form: Record<string, unknown>) => {
  const validation = validateSettings(connector, form);
  return validation.ok ? [] : validation.errors;
};

describe('PubSubSettings', () => {
  it('takes a project, a topic and a key; or, for development, an emulator endpoint instead of the key', () => {
    expect(failures(valid)).toEqual([]);
    expect(failures({ projectId: 'activation-dev', topicId: 'activations', emulatorEndpoint: '127.0.0.1:8085' })).toEqual([]);
    expect(failures({ ...valid, topicId: 'Activations_v2.eu~1+%' })).toEqual([]);
    // A key pasted into a one-line input loses its line breaks: JSON does not need them.
    expect(failures({ ...valid, serviceAccountKey: key().replace(/\n/g, '') })).toEqual([]);
  });

  it('names every missing field, the key among them while no emulator is named', () => {
    expect(failures({}).map((error) => error.field)).toEqual(['settings.projectId', 'settings.topicId', 'settings.serviceAccountKey']);
  });

  it('refuses a key beside an emulator endpoint: an emulator takes no credentials, and a key is never kept unused', () => {
    expect(failures({ ...valid, emulatorEndpoint: '127.0.0.1:8085' })).toEqual([
      { field: 'settings.serviceAccountKey', message: 'serviceAccountKey is only used when emulatorEndpoint is left out: leave it out' },
    ]);
  });

  it.each([
    ['a project ID with capitals', { projectId: 'Activation-Prod' }, 'settings.projectId'],
    ['a project number', { projectId: '123456789012' }, 'settings.projectId'],
    ['a topic given by its full name', { topicId: 'projects/activation-prod/topics/activations' }, 'settings.topicId'],
    ['a topic of two characters', { topicId: 'ab' }, 'settings.topicId'],
    ['a topic starting with goog', { topicId: 'google-events' }, 'settings.topicId'],
    ['a key that is not JSON', { serviceAccountKey: 'not json' }, 'settings.serviceAccountKey'],
    ['a key that is a JSON array', { serviceAccountKey: '[]' }, 'settings.serviceAccountKey'],
    ['a key given as an object', { serviceAccountKey: keyFile }, 'settings.serviceAccountKey'],
    ['a user credential', { serviceAccountKey: key({ type: 'authorized_user' }) }, 'settings.serviceAccountKey'],
    ['an external account', { serviceAccountKey: key({ type: 'external_account' }) }, 'settings.serviceAccountKey'],
    ['a key without project_id', { serviceAccountKey: key({ project_id: undefined }) }, 'settings.serviceAccountKey'],
    ['a key of a personal account', { serviceAccountKey: key({ client_email: 'someone@gmail.com' }) }, 'settings.serviceAccountKey'],
    ['a private key that is not PEM', { serviceAccountKey: key({ private_key: 'x' }) }, 'settings.serviceAccountKey'],
    [
      'a PEM that holds no key',
      { serviceAccountKey: key({ private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }) },
      'settings.serviceAccountKey',
    ],
    ['a key of 20 KB', { serviceAccountKey: key({ padding: 'x'.repeat(20_000) }) }, 'settings.serviceAccountKey'],
    ['an emulator endpoint without a port', { serviceAccountKey: undefined, emulatorEndpoint: '127.0.0.1' }, 'settings.emulatorEndpoint'],
    [
      'an emulator endpoint as a URL',
      { serviceAccountKey: undefined, emulatorEndpoint: 'http://127.0.0.1:8085' },
      'settings.emulatorEndpoint',
    ],
    ['an emulator port out of range', { serviceAccountKey: undefined, emulatorEndpoint: 'localhost:70000' }, 'settings.emulatorEndpoint'],
    ['an unknown field', { region: 'europe-west1' }, 'settings.region'],
  ])('refuses %s, naming the field', (_what, change, field) => {
    const errors = failures({ ...valid, ...change });
    expect(errors.map((error) => error.field)).toEqual([field]);
  });

  it('names what is wrong with a key without ever quoting it: it is a secret', () => {
    const cases = [key({ type: 'authorized_user' }), key({ private_key: `${privateKey.slice(0, 200)}` }), `${key()}tail`];
    const messages = cases.map((serviceAccountKey) => failures({ ...valid, serviceAccountKey })[0].message);
    expect(messages).toEqual([
      'serviceAccountKey must be a service-account key: its "type" must be "service_account"',
      'serviceAccountKey must have a PEM private key (-----BEGIN PRIVATE KEY-----…) in "private_key"',
      'serviceAccountKey is not JSON: paste the whole key file',
    ]);
    for (const message of messages) expect(message).not.toContain(privateKey.slice(40, 80));
  });

  it('shows a form the key as write-only and requires it only without an emulator; the key is stored among the secrets', () => {
    const schema = settingsJsonSchema(connector) as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
      allOf: unknown[];
    };
    expect(schema.required).toEqual(['projectId', 'topicId']);
    expect(schema.properties.serviceAccountKey).toMatchObject({ type: 'string', writeOnly: true, format: 'password' });
    for (const visible of ['projectId', 'topicId', 'emulatorEndpoint']) expect(schema.properties[visible].writeOnly).toBeUndefined();
    expect(schema.allOf).toEqual([
      {
        if: { not: { required: ['emulatorEndpoint'] } },
        then: { required: ['serviceAccountKey'] },
        else: { not: { anyOf: [{ required: ['serviceAccountKey'] }] } },
      },
    ]);
    const validation = validateSettings(connector, valid);
    expect(validation.ok && splitSecrets(connector, validation.settings)).toEqual({
      visible: { projectId: 'activation-prod', topicId: 'activations' },
      secrets: { serviceAccountKey: valid.serviceAccountKey },
    });
  });
});

describe('resolvePubSubOptions', () => {
  it('allows no emulator, waits 15 s for a publish and takes 1000 messages a call by default', () => {
    expect(resolvePubSubOptions({})).toEqual({ allowEmulator: false, requestTimeoutMs: 15_000, maxBatchMessages: 1000, concurrency: 100 });
  });

  it('refuses more messages a call than Pub/Sub takes in a request, and deadlines out of range, by name', () => {
    expect(() => resolvePubSubOptions({ maxBatchMessages: 1001 })).toThrow(/maxBatchMessages must be an integer from 1 to 1000/);
    expect(() => resolvePubSubOptions({ requestTimeoutMs: 0 })).toThrow(/requestTimeoutMs/);
  });
});

describe('hostile settings', () => {
  it('never throws on any form: validation answers, and what it accepts opens (without I/O) and closes', async () => {
    const fc = await import('fast-check');
    const development = new PubSubConnector(resolvePubSubOptions({ allowEmulator: true }));
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            projectId: fc.oneof(fc.constant('activation-prod'), fc.string()),
            topicId: fc.oneof(fc.constant('activations'), fc.string()),
            serviceAccountKey: fc.oneof(fc.constant(key()), fc.string(), fc.json()),
            emulatorEndpoint: fc.oneof(fc.constant('127.0.0.1:8085'), fc.string(), fc.constantFrom('[::1]:8085', 'a:0', 'h:65535')),
          },
          { requiredKeys: [] },
        ),
        async (form) => {
          const validation = validateSettings(development, form);
          if (!validation.ok) return;
          accepted++;
          expect(Array.isArray(await development.vetSettings(validation.settings))).toBe(true);
          await development.open({ id: 'hostile', settings: validation.settings }).close();
        },
      ),
      { numRuns: 300, seed: 20261204 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
