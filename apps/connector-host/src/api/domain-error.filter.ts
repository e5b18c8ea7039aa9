import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RetryLaterError,
  UnprocessableError,
} from '../common/domain-errors.js';

/**
 * Turns a service's domain error into the API's error body: `{ statusCode, error, message }`, plus `errors`
 * (every failing field) on 400 and some 403s, `check` on a refused set-up, and `Retry-After` on 429 and 503.
 */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(exception: DomainError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = answerFor(exception);
    if (exception instanceof RetryLaterError) void reply.header('Retry-After', String(exception.retryAfterSeconds));
    void reply.status(status).send({ statusCode: status, error: REASONS[status], message: exception.message, ...body });
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
  500: 'Internal Server Error',
};

function answerFor(error: DomainError): { status: number; body: Record<string, unknown> } {
  if (error instanceof InvalidInputError) return { status: HttpStatus.BAD_REQUEST, body: { errors: error.errors } };
  if (error instanceof NotFoundError) return { status: HttpStatus.NOT_FOUND, body: {} };
  if (error instanceof ConflictError) return { status: HttpStatus.CONFLICT, body: {} };
  if (error instanceof ForbiddenError) return { status: HttpStatus.FORBIDDEN, body: error.errors ? { errors: error.errors } : {} };
  if (error instanceof UnprocessableError)
    return { status: HttpStatus.UNPROCESSABLE_ENTITY, body: error.check ? { check: error.check } : {} };
  if (error instanceof RetryLaterError) {
    return {
      status: error.reason === 'busy' ? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.SERVICE_UNAVAILABLE,
      body: { retryAfterSeconds: error.retryAfterSeconds },
    };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: {} };
}
