import Type, { type Static } from 'typebox';
import { mapOf } from '../common/schema-parts.js';

/** One loaded connector type, with the JSON Schema of its whole form for a platform UI to render. */
export const ConnectorTypeSchema = Type.Object(
  {
    type: Type.String({ examples: ['kinesis'] }),
    displayName: Type.String({ examples: ['Amazon Kinesis'] }),
    secretFields: Type.Array(Type.String()),
    schema: mapOf(Type.Unknown(), { description: "JSON Schema of the type's whole form" }),
  },
  { additionalProperties: false },
);
export type ConnectorTypeView = Static<typeof ConnectorTypeSchema>;
