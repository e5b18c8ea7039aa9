import type { PropertySchema } from './form-schema.js';

/** GET /v1/connector-types: each loaded type with the JSON Schema of its form. */
export interface ConnectorType {
  type: string;
  displayName: string;
  schema: PropertySchema;
}
