import type { FieldError } from '@event-connectors/connector-sdk';
import Type from 'typebox';
import { schemaOf } from './schema-parts.js';

/** The SDK's FieldError, as every refusal's `errors` lists them. */
export const FieldErrorSchema = schemaOf<FieldError>()(
  Type.Object(
    { field: Type.String(), message: Type.String() },
    {
      additionalProperties: false,
      description: 'One failing field: its path (`settings.region`, `events[3].sourceId`, `id`, `body`) and what is wrong with it',
    },
  ),
);
