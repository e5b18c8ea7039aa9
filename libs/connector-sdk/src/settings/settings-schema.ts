import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { EventConnector } from '../event-connector.js';

/** A JSON Schema object, as a UI form renderer reads it. */
export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of a connector's settings form, derived from its class-validator class so the two
 * never disagree. Secret fields are marked `writeOnly` (JSON Schema's own word for it) and `format: password`.
 */
export function settingsJsonSchema(connector: EventConnector): JsonSchema {
  const schema = targetConstructorToSchema(connector.settingsClass) as JsonSchema & {
    properties?: Record<string, JsonSchema>;
  };
  const properties: Record<string, JsonSchema> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const secret = (connector.secretFields as readonly string[]).includes(name);
    properties[name] = secret ? { ...property, writeOnly: true, format: 'password' } : property;
  }
  return { ...schema, properties, additionalProperties: false };
}
