import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { EventConnector } from '../event-connector.js';
import { type ConditionalField, conditionalFieldsOf, type FieldCondition } from './only-when.decorator.js';
import { issuedFieldsOf, settingsFieldsOf } from './settings-field.decorator.js';

/** A JSON Schema object, as a UI form renderer reads it. */
export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of a connector's settings form, derived from its class-validator class so the two never
 * disagree. Each field carries the title and description of its `@SettingsField()`; secret fields are
 * `writeOnly` (JSON Schema's own word for it), secret strings also `format: password` unless they have a format.
 */
export function settingsJsonSchema(connector: EventConnector): JsonSchema {
  const schema = targetConstructorToSchema(connector.settingsClass) as JsonSchema & { properties?: Record<string, JsonSchema> };
  const declared = new Map(settingsFieldsOf(connector.settingsClass).map((field) => [field.name, field]));
  const properties: Record<string, JsonSchema> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const passwordLike = declared.get(name)?.secret && property.type === 'string' && property.format === undefined;
    properties[name] = passwordLike ? { ...property, format: 'password' } : property;
  }
  // What the host issues is never the tenant's to send: never required of it (the host fills it in).
  const issued = new Set(issuedFieldsOf(connector.settingsClass).map((field) => field.name));
  const required = ((schema.required as string[] | undefined) ?? []).filter((name) => !issued.has(name));
  const conditions = conditionSchemas(conditionalFieldsOf(connector.settingsClass), issued);
  const { required: _declared, ...rest } = schema;
  return {
    ...rest,
    properties,
    ...(required.length > 0 && { required }),
    additionalProperties: false,
    ...(conditions.length > 0 && { allOf: conditions }),
  };
}

/**
 * The `@OnlyWhen()` fields as JSON Schema: per condition, if it holds the fields that are not optional are
 * required, else none of the fields may be present. A form renderer shows each field only under its condition.
 */
function conditionSchemas(fields: ConditionalField[], issued: ReadonlySet<string>): JsonSchema[] {
  const groups = new Map<string, { condition: FieldCondition; fields: ConditionalField[] }>();
  for (const field of fields) {
    const key = JSON.stringify([field.field, field.values]);
    const group = groups.get(key) ?? { condition: field, fields: [] };
    group.fields.push(field);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ condition, fields: grouped }) => ({
    if: conditionSchema(condition),
    then: { required: grouped.filter((field) => !field.optional && !issued.has(field.name)).map((field) => field.name) },
    else: { not: { anyOf: grouped.map((field) => ({ required: [field.name] })) } },
  }));
}

function conditionSchema({ field, values }: FieldCondition): JsonSchema {
  const given = values.filter((value) => value !== undefined);
  const hasOneOf = { required: [field], properties: { [field]: { enum: given } } };
  if (!values.includes(undefined)) return hasOneOf;
  const leftOut = { not: { required: [field] } };
  return given.length === 0 ? leftOut : { anyOf: [leftOut, hasOneOf] };
}
