import Type, { type Static } from 'typebox';
import { COUNT } from './schema-parts.js';

/** Which bound was reached: its configuration name, its value, and what the request would have made it. */
export const LimitReachedSchema = Type.Object(
  {
    name: Type.String({ description: 'The setting that sets it', examples: ['MAX_MESSAGES_PER_REQUEST'] }),
    max: COUNT,
    actual: COUNT,
  },
  {
    additionalProperties: false,
    description:
      'A bound on what a request, a client or a site may cost was reached: which one, its value, and what this request would have made it',
  },
);
export type LimitReached = Static<typeof LimitReachedSchema>;
