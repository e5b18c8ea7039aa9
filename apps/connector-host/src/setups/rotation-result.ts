import Type, { type Static } from 'typebox';
import { COUNT } from '../common/schema-parts.js';

/** What a rotation did: how many connectors' sealed secrets it re-sealed under the current key, of how many. */
export const RotationResultSchema = Type.Object({ resealed: COUNT, total: COUNT, keyId: Type.String() }, { additionalProperties: false });
export type RotationResult = Static<typeof RotationResultSchema>;
