import { IsInt, IsOptional, IsString, IsUrl } from 'class-validator';
import { describe, expect, it } from 'vitest';
import type { EventConnector } from '../event-connector.js';
import { credentialFieldsOf, secretFieldsOf, SettingsField, settingsFieldsOf } from './settings-field.decorator.js';
import { settingsJsonSchema } from './settings-schema.js';
import { secretPresence, splitSecrets } from './secret-fields.js';

class ExampleSettings {
  @SettingsField({ title: 'Endpoint', description: 'Where messages go.', credential: true, format: 'uri' })
  @IsUrl({ require_tld: false })
  url!: string;

  @SettingsField({ title: 'Token', description: 'Sent with each call.', secret: true })
  @IsString()
  token!: string;

  @SettingsField({
    title: 'Extra headers',
    description: 'Sent as they are.',
    secret: true,
    valueSchema: { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 5 },
  })
  @IsOptional()
  headers?: Record<string, string>;

  @SettingsField({ title: 'Timeout', description: 'Milliseconds.', examples: [1000] })
  @IsOptional()
  @IsInt()
  timeoutMs?: number;
}

class ExtendedSettings extends ExampleSettings {
  @SettingsField({ title: 'Region', description: 'Where the destination runs.' })
  @IsString()
  region!: string;
}

const connector = {
  type: 'example',
  displayName: 'Example',
  settingsClass: ExampleSettings,
  open: () => undefined,
} as unknown as EventConnector;

describe('@SettingsField', () => {
  it('declares each field once, in order, with its options', () => {
    expect(settingsFieldsOf(ExampleSettings).map((field) => field.name)).toEqual(['url', 'token', 'headers', 'timeoutMs']);
    expect(secretFieldsOf(ExampleSettings)).toEqual(['token', 'headers']);
    expect(credentialFieldsOf(ExampleSettings)).toEqual(['url']);
  });

  it('inherits the fields of a parent class without adding to the parent', () => {
    expect(settingsFieldsOf(ExtendedSettings).map((field) => field.name)).toEqual(['url', 'token', 'headers', 'timeoutMs', 'region']);
    expect(settingsFieldsOf(ExampleSettings)).toHaveLength(4);
  });

  it('puts title, description, format, examples and writeOnly in the JSON Schema', () => {
    const schema = settingsJsonSchema(connector) as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(schema.properties.url).toMatchObject({ title: 'Endpoint', description: 'Where messages go.', format: 'uri' });
    expect(schema.properties.url.writeOnly).toBeUndefined();
    expect(schema.properties.token).toMatchObject({ title: 'Token', type: 'string', writeOnly: true, format: 'password' });
    expect(schema.properties.headers).toEqual({
      type: 'object',
      additionalProperties: { type: 'string' },
      maxProperties: 5,
      title: 'Extra headers',
      description: 'Sent as they are.',
      writeOnly: true,
    });
    expect(schema.properties.headers.format).toBeUndefined();
    expect(schema.properties.timeoutMs).toMatchObject({ type: 'integer', examples: [1000] });
    expect(schema.required.sort()).toEqual(['token', 'url']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('splits secrets from what may be shown, and shows only their presence', () => {
    const { visible, secrets } = splitSecrets(connector, { url: 'https://x.example', token: 't', timeoutMs: 5 });
    expect(visible).toEqual({ url: 'https://x.example', timeoutMs: 5 });
    expect(secrets).toEqual({ token: 't' });
    expect(secretPresence(connector, secrets)).toEqual({ tokenSet: true, headersSet: false });
  });

  it('refuses a symbol property', () => {
    expect(() => SettingsField({ title: 't', description: 'd' })({}, Symbol('x'))).toThrow(/named property/);
  });
});
