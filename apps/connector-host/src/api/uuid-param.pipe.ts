import { ParseUUIDPipe } from '@nestjs/common';
import { InvalidInputError } from '../common/domain-errors.js';

/** `:id` path parameters: a 400 naming the parameter when it is not a UUID. */
export const uuidParam = (name = 'id') =>
  new ParseUUIDPipe({ exceptionFactory: () => InvalidInputError.field(name, `${name} must be a UUID`) });
