import { SettingsField } from '@event-connectors/connector-sdk';
import { IsNotEmpty, IsOptional, IsString, IsUrl, MaxLength, ValidateBy } from 'class-validator';
import { MAX_SECRET_BYTES, MIN_SECRET_BYTES, secretKey } from './webhook-signature.js';

export const MAX_URL_LENGTH = 2048;
export const MAX_EXTRA_HEADERS = 20;
export const MAX_HEADER_VALUE_LENGTH = 4096;

/** Headers the connector sets itself (or HTTP owns): an extra header may not replace them. */
export const RESERVED_HEADERS = new Set([
  'host',
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'user-agent',
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** The webhook part of a connector's form (display name and partner number are common to every connector). */
// class-validator checks in reverse order of the decorators, and stopAtFirstError reports the first failure only:
// the bottom decorator is the most basic check ("is required"), the top the finest.
export class WebhookSettings {
  @SettingsField({
    title: 'Endpoint URL',
    description: 'Where each message is POSTed. https only; it must resolve to a public address. Changing it needs the secrets again.',
    format: 'uri',
    credential: true,
    examples: ['https://hooks.example.com/activation'],
  })
  @IsUrl(
    { protocols: ['https', 'http'], require_protocol: true, require_tld: false, disallow_auth: true, allow_fragments: false },
    { message: 'url must be an absolute https URL without user name or password, like https://hooks.example.com/activation' },
  )
  @MaxLength(MAX_URL_LENGTH, { message: `url must be at most ${MAX_URL_LENGTH} characters` })
  @IsString({ message: 'url must be a string' })
  @IsNotEmpty({ message: 'url is required' })
  url!: string;

  @SettingsField({
    title: 'Signing secret',
    description: 'The Standard Webhooks secret (whsec_…) the receiver verifies each request with. Stored encrypted, never shown again.',
    secret: true,
  })
  @IsSigningSecret('signingSecret')
  @IsString({ message: 'signingSecret must be a string' })
  @IsNotEmpty({ message: 'signingSecret is required' })
  signingSecret!: string;

  @SettingsField({
    title: 'Previous signing secret',
    description: 'While rotating: the old secret, still signed with beside the new one until the receiver has it. Set to null to stop.',
    secret: true,
  })
  @IsSigningSecret('previousSigningSecret')
  @IsString({ message: 'previousSigningSecret must be a string' })
  @IsOptional()
  previousSigningSecret?: string;

  @SettingsField({
    title: 'Extra headers',
    description: `Static headers sent with every request, e.g. an Authorization header of the receiver. Values are secrets. At most ${MAX_EXTRA_HEADERS}.`,
    secret: true,
    valueSchema: { type: 'object', additionalProperties: { type: 'string' }, maxProperties: MAX_EXTRA_HEADERS },
  })
  @IsExtraHeaders()
  @IsOptional()
  headers?: Record<string, string>;
}

function IsSigningSecret(field: string) {
  return ValidateBy({
    name: 'isSigningSecret',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && secretKey(value) !== undefined,
      defaultMessage: () => `${field} must be whsec_ followed by the base64 of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} random bytes`,
    },
  });
}

function IsExtraHeaders() {
  return ValidateBy({
    name: 'isExtraHeaders',
    validator: {
      validate: (value: unknown) => extraHeadersProblem(value) === undefined,
      defaultMessage: (args) => `headers ${extraHeadersProblem(args?.value)}`,
    },
  });
}

/** What is wrong with extra headers, or undefined. Never quotes a value: values are secrets. */
export function extraHeadersProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be an object of header names to values';
  const entries = Object.entries(value);
  if (entries.length > MAX_EXTRA_HEADERS) return `must have at most ${MAX_EXTRA_HEADERS} entries, got ${entries.length}`;
  const seen = new Set<string>();
  for (const [name, header] of entries) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name))
      return `names must be HTTP header names (letters, digits and !#$%&'*+.^_\`|~-), got "${name.slice(0, 64)}"`;
    if (RESERVED_HEADERS.has(lower) || lower.startsWith('webhook-')) return `may not set ${name}: the connector sets it`;
    if (seen.has(lower)) return `name ${name} is given twice`;
    seen.add(lower);
    if (typeof header !== 'string' || header.length > MAX_HEADER_VALUE_LENGTH || !HEADER_VALUE.test(header)) {
      return `.${name} must be a string of at most ${MAX_HEADER_VALUE_LENGTH} characters without line breaks`;
    }
  }
  return undefined;
}
