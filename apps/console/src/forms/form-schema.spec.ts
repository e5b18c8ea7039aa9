import { type EventConnector, FORM_FIELD_TYPES, settingsJsonSchema } from '@event-connectors/connector-sdk';
import { KinesisSettings } from '@event-connectors/kinesis-connector';
import { describe, expect, it } from 'vitest';
import { formBody, initialValues, kindOf, type PropertySchema, shownFields } from './form-schema.js';

// The Kinesis form exactly as the host publishes it (the SDK derives it from the connector's settings class).
const kinesis = settingsJsonSchema({ settingsClass: KinesisSettings } as EventConnector) as PropertySchema;

const shown = (values: Record<string, unknown>) =>
  shownFields(kinesis, values).map((field) => (field.required ? `${field.name}*` : field.name));

describe('the fields a form shows', () => {
  it('shows access keys by default and for accessKeys, the role and its external id for assumeRole', () => {
    expect(shown({})).toEqual(['credentialMode', 'accessKeyId*', 'secretAccessKey*', 'region*', 'streamName*', 'streamArn']);
    expect(shown({ credentialMode: 'accessKeys' })).toEqual(shown({}));
    expect(shown({ credentialMode: 'assumeRole' })).toEqual([
      'credentialMode',
      'roleArn*',
      'externalId',
      'region*',
      'streamName*',
      'streamArn',
    ]);
  });

  it('takes an empty value for an absent one: a cleared stream ARN brings the stream name back', () => {
    expect(shown({ streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/s' })).not.toContain('streamName*');
    expect(shown({ streamArn: '' })).toContain('streamName*');
  });

  it("starts a new form on each choice's first value, nested groups too", () => {
    expect(initialValues({ properties: { name: { type: 'string' }, settings: kinesis } })).toEqual({
      settings: { credentialMode: 'accessKeys' },
    });
  });

  it('does not let a value typed into a field a later choice hid keep anything shown, nor send it', () => {
    const typed = {
      credentialMode: 'assumeRole',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      roleArn: 'arn:aws:iam::123456789012:role/w',
      region: 'eu-west-1',
      streamName: 'orders',
      streamArn: 'arn:aws:kinesis:eu-west-1:1:stream/o',
    };
    expect(formBody(kinesis, typed)).toEqual({
      credentialMode: 'assumeRole',
      roleArn: 'arn:aws:iam::123456789012:role/w',
      region: 'eu-west-1',
      streamArn: 'arn:aws:kinesis:eu-west-1:1:stream/o',
    });
    // A chained condition: B is shown while A holds "on"; C while B holds "on". A turned off hides B, and so C.
    const chained: PropertySchema = {
      properties: { a: { type: 'string', enum: ['on', 'off'] }, b: { type: 'string', enum: ['on', 'off'] }, c: { type: 'string' } },
      allOf: [
        { if: { required: ['a'], properties: { a: { enum: ['on'] } } }, then: {}, else: { not: { anyOf: [{ required: ['b'] }] } } },
        { if: { required: ['b'], properties: { b: { enum: ['on'] } } }, then: {}, else: { not: { anyOf: [{ required: ['c'] }] } } },
      ],
    };
    expect(shownFields(chained, { a: 'off', b: 'on', c: 'x' }).map((field) => field.name)).toEqual(['a']);
    expect(formBody({ properties: { settings: chained } }, { settings: { a: 'off', b: 'on', c: 'x' } })).toEqual({
      settings: { a: 'off' },
    });
  });

  it('has an input for every type the SDK lets a connector field have', () => {
    expect(FORM_FIELD_TYPES.map((type) => kindOf({ type }))).toEqual(['text', 'number', 'number', 'switch', 'map']);
  });

  it('names the input each property needs', () => {
    const kinds = Object.fromEntries(Object.entries(kinesis.properties!).map(([name, property]) => [name, kindOf(property)]));
    expect(kinds).toMatchObject({ credentialMode: 'choice', secretAccessKey: 'secret', externalId: 'issued', region: 'text' });
    expect(kindOf({ type: 'object', additionalProperties: { type: 'string' } })).toBe('map');
    expect(kindOf({ type: 'integer' })).toBe('number');
    expect(kindOf({ type: 'string', format: 'uri' })).toBe('url');
  });
});
