import { BadRequestException } from '@nestjs/common';
import type { FieldError } from '@event-connectors/connector-sdk';

/**
 * The one shape of a 400: the first problem as `message` (for people) and every failing field in `errors`
 * (for programs), e.g. `{ statusCode: 400, message: 'settings.region must be …', errors: [{ field, message }] }`.
 */
export function invalidInput(errors: FieldError[]): BadRequestException {
  const first = errors[0];
  const message = first ? (first.message.startsWith(first.field) ? first.message : `${first.field}: ${first.message}`) : 'invalid input';
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, errors });
}
