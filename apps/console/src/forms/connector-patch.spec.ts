import { type EventConnector, settingsJsonSchema } from '@event-connectors/connector-sdk';
import { KinesisSettings } from '@event-connectors/kinesis-connector';
import { WebhookSettings } from '@event-connectors/webhook-connector';
import { describe, expect, it } from 'vitest';
import { connectorPatch, storedSetup } from './connector-patch.js';
import type { PropertySchema } from './form-schema.js';
import { withValue } from './form-values.js';

// The forms as the host publishes them: { name, partnerNumber, settings: the type's settings schema }.
const formOf = (settingsClass: unknown): PropertySchema => ({
  properties: {
    name: { type: 'string' },
    partnerNumber: { type: 'integer' },
    settings: settingsJsonSchema({ settingsClass } as EventConnector),
  },
});
const kinesis = formOf(KinesisSettings);
const view = {
  name: 'Orders',
  partnerNumber: 33,
  settings: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKeySet: true, region: 'eu-west-1', streamName: 'orders' },
};

describe('editing a saved set-up', () => {
  it('starts from the view: values shown, secrets only known to be set, the choice on its default', () => {
    const stored = storedSetup(kinesis, view);
    expect(stored.values).toEqual({
      name: 'Orders',
      partnerNumber: 33,
      settings: { credentialMode: 'accessKeys', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', region: 'eu-west-1', streamName: 'orders' },
    });
    expect([...stored.secretsSet]).toEqual(['settings.secretAccessKey']);
  });

  it('keeps a set secret left empty, sends what changed, and clears a field emptied', () => {
    const stored = storedSetup(kinesis, view);
    const renamed = withValue(withValue(stored.values, ['name'], 'Orders EU'), ['settings', 'streamName'], 'orders-eu');
    expect(connectorPatch(kinesis, stored, renamed)).toEqual({
      name: 'Orders EU',
      partnerNumber: 33,
      settings: { credentialMode: 'accessKeys', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', region: 'eu-west-1', streamName: 'orders-eu' },
    });
    const byArn = withValue(
      withValue(stored.values, ['settings', 'streamName'], ''),
      ['settings', 'streamArn'],
      'arn:aws:kinesis:eu-west-1:1:stream/o',
    );
    expect((connectorPatch(kinesis, stored, byArn).settings as Record<string, unknown>).streamName).toBeNull();
  });

  it('removes the access keys, the secret too, once a role is chosen, and never sends the issued external ID', () => {
    const stored = storedSetup(kinesis, view);
    const role = withValue(
      withValue(stored.values, ['settings', 'credentialMode'], 'assumeRole'),
      ['settings', 'roleArn'],
      'arn:aws:iam::123456789012:role/w',
    );
    const { settings } = connectorPatch(kinesis, stored, role) as { settings: Record<string, unknown> };
    expect(settings).toEqual({
      credentialMode: 'assumeRole',
      accessKeyId: null,
      secretAccessKey: null,
      roleArn: 'arn:aws:iam::123456789012:role/w',
      region: 'eu-west-1',
      streamName: 'orders',
    });
  });

  it('removes a set secret the tenant asked to remove, and sends an emptied name for the host to refuse', () => {
    const webhook = formOf(WebhookSettings);
    const stored = storedSetup(webhook, {
      name: 'Hook',
      partnerNumber: 1,
      settings: { url: 'https://h.example', signingSecretSet: true, previousSigningSecretSet: true },
    });
    const rotatedOut = withValue(withValue(stored.values, ['settings', 'previousSigningSecret'], null), ['name'], '');
    expect(connectorPatch(webhook, stored, rotatedOut)).toEqual({
      name: '',
      partnerNumber: 1,
      settings: { url: 'https://h.example', previousSigningSecret: null },
    });
  });

  it("shows a webhook's extra headers only as set, and sends rows given to replace them", () => {
    const webhook = formOf(WebhookSettings);
    const stored = storedSetup(webhook, {
      name: 'Hook',
      partnerNumber: 1,
      settings: { url: 'https://h.example', signingSecretSet: true, previousSigningSecretSet: false, headersSet: true },
    });
    expect([...stored.secretsSet]).toEqual(['settings.signingSecret', 'settings.headers']);
    expect(connectorPatch(webhook, stored, stored.values).settings).toEqual({ url: 'https://h.example' });
    const replaced = withValue(stored.values, ['settings', 'headers'], [['X-A', '1']]);
    expect(connectorPatch(webhook, stored, replaced).settings).toEqual({ url: 'https://h.example', headers: { 'X-A': '1' } });
  });
});
