import { ParseUUIDPipe } from '@nestjs/common';
import { invalidInput } from './field-errors.js';

/** `:id` path parameters: a 400 naming the parameter when it is not a UUID. */
export const uuidParam = (name = 'id') =>
  new ParseUUIDPipe({ exceptionFactory: () => invalidInput([{ field: name, message: `${name} must be a UUID` }]) });
