import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { EventConnector } from '../event-connector.js';
import { settingsFieldsOf } from './settings-field.decorator.js';

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
  return { ...schema, properties, additionalProperties: false };
}
