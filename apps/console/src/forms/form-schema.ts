import { type Schema, Validator } from '@cfworker/json-schema';
import { bodyOf } from './form-values.js';

/** One property of a form's JSON Schema, as the host publishes it (GET /v1/connector-types). */
export interface PropertySchema {
  type?: string;
  title?: string;
  description?: string;
  enum?: unknown[];
  examples?: unknown[];
  format?: string;
  writeOnly?: boolean;
  readOnly?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxProperties?: number;
  properties?: Record<string, PropertySchema>;
  additionalProperties?: boolean | PropertySchema;
  required?: string[];
  allOf?: PropertySchema[];
  if?: PropertySchema;
  then?: PropertySchema;
  else?: PropertySchema;
  not?: PropertySchema;
  anyOf?: PropertySchema[];
}

/** A field the form shows now, and whether the current choices make it required. */
export interface ShownField {
  name: string;
  schema: PropertySchema;
  required: boolean;
}

/**
 * The fields of an object schema that belong on the form for the values as they stand. A connector declares
 * conditional fields as `allOf: [{ if, then: { required }, else: { not: { anyOf: [{ required: [field] }] } } }]`
 * (the SDK's `@OnlyWhen()`): the branch that holds adds its required fields, and a branch forbidding a field
 * hides it. `if` is evaluated by a JSON Schema validator, so any condition a connector writes is understood.
 */
export function shownFields(schema: PropertySchema, values: Record<string, unknown>): ShownField[] {
  // Evaluated on what would be sent (an empty field is an absent one), and again without what that hides: a value
  // typed into a field a later choice hid must not keep another field shown.
  let given = bodyOf(values);
  for (let round = 0; ; round++) {
    const { shown, hidden } = evaluated(schema, given);
    const kept = Object.fromEntries(Object.entries(given).filter(([name]) => !hidden.has(name)));
    if (Object.keys(kept).length === Object.keys(given).length || round > Object.keys(given).length) return shown;
    given = kept;
  }
}

function evaluated(schema: PropertySchema, given: Record<string, unknown>): { shown: ShownField[]; hidden: Set<string> } {
  const required = new Set(schema.required ?? []);
  const hidden = new Set<string>();
  for (const rule of schema.allOf ?? []) {
    if (!rule.if) continue;
    const holds = new Validator(rule.if as Schema, '2020-12', false).validate(given).valid;
    const branch = holds ? rule.then : rule.else;
    for (const name of branch?.required ?? []) required.add(name);
    for (const name of forbiddenBy(branch)) hidden.add(name);
  }
  const shown = Object.entries(schema.properties ?? {})
    .filter(([name]) => !hidden.has(name))
    .map(([name, property]) => ({ name, schema: property, required: required.has(name) }));
  return { shown, hidden };
}

/**
 * What a new set-up's form sends: the fields shown, as typed (empty ones left out), nested groups alike. A value
 * typed into a field a later choice hid is not sent: the host would refuse it as not used.
 */
export function formBody(schema: PropertySchema, values: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const typed = bodyOf(values);
  for (const field of shownFields(schema, values)) {
    const value = typed[field.name];
    if (value === undefined || field.schema.readOnly) continue;
    if (kindOf(field.schema) !== 'group') body[field.name] = value;
    else {
      const inner = formBody(field.schema, values[field.name] as Record<string, unknown>);
      if (Object.keys(inner).length > 0) body[field.name] = inner;
    }
  }
  return body;
}

/** The fields a branch says must be absent: `not: { required }` or `not: { anyOf: [{ required }…] }`. */
function forbiddenBy(branch: PropertySchema | undefined): string[] {
  const not = branch?.not;
  if (!not) return [];
  return [...(not.required ?? []), ...(not.anyOf ?? []).flatMap((option) => option.required ?? [])];
}

/** A new form's values: each choice on its first value (the connector's default), the rest empty. */
export function initialValues(schema: PropertySchema): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (property.enum && property.enum.length > 0) values[name] = property.enum[0];
    else if (property.properties) values[name] = initialValues(property);
  }
  return values;
}

/** The kind of input a property is shown with. */
export type FieldKind = 'choice' | 'number' | 'switch' | 'secret' | 'issued' | 'map' | 'group' | 'url' | 'text';

// The types a form renders are the SDK's FORM_FIELD_TYPES (libs/connector-sdk/src/settings/form-field-types.ts): the
// contract kit refuses a connector field of any other type, so `kindOf` below covers every field it lets through.

export function kindOf(schema: PropertySchema): FieldKind {
  if (schema.enum) return 'choice';
  if (schema.readOnly) return 'issued';
  if (schema.type === 'integer' || schema.type === 'number') return 'number';
  if (schema.type === 'boolean') return 'switch';
  if (schema.properties) return 'group';
  if (schema.type === 'object') return 'map';
  if (schema.writeOnly || schema.format === 'password') return 'secret';
  if (schema.format === 'uri') return 'url';
  return 'text';
}
