import { STATUS_CODES } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  LimitExceededError,
  NotFoundError,
  RetryLaterError,
  UnprocessableError,
} from '../common/domain-errors.js';
import { errorMessage } from '../common/error-message.js';
import type { ErrorBody } from './error-body.js';
import { ADMIN_THROTTLER } from './admin-throttler.js';

/**
 * Every refusal in one shape, the API document's ErrorBody: `{ statusCode, error, message, errors[] }` (`errors` names
 * each failing field, empty when no field is at fault), plus `check` on a refused set-up and `retryAfterSeconds` (with
 * a Retry-After header) on 429 and 503, and `limit` when a bound on what a request or tenant may cost was reached. Domain errors, Nest's own (guards, unknown routes, the rate limiter) and
 * Fastify's (unparsable JSON, body too large, unsupported content type) alike, so a generated client decodes them all.
 * Health checks keep terminus' report, which is what their 503 documents.
 */
@Catch()
export class ErrorBodyFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorBodyFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof HttpException && isHealthReport(exception.getResponse())) {
      void reply.status(exception.getStatus()).send(exception.getResponse());
      return;
    }
    const body = exception instanceof DomainError ? domainAnswer(exception) : otherAnswer(exception, reply);
    if (body.statusCode >= 500 && !(exception instanceof RetryLaterError)) this.logger.error(errorMessage(exception));
    if (body.retryAfterSeconds !== undefined) void reply.header('Retry-After', String(body.retryAfterSeconds));
    void reply.status(body.statusCode).send(body);
  }
}

function answer(statusCode: number, message: string, extra: Partial<ErrorBody> = {}): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, errors: [], ...extra };
}

/** The ErrorBody of a domain error (also for refusals made before Nest sees a request, in Fastify's own hooks). */
export function domainAnswer(error: DomainError): ErrorBody {
  if (error instanceof InvalidInputError) return answer(HttpStatus.BAD_REQUEST, error.message, { errors: error.errors });
  if (error instanceof NotFoundError) return answer(HttpStatus.NOT_FOUND, error.message);
  if (error instanceof ConflictError) return answer(HttpStatus.CONFLICT, error.message);
  if (error instanceof ForbiddenError) return answer(HttpStatus.FORBIDDEN, error.message, { errors: error.errors ?? [] });
  if (error instanceof UnprocessableError)
    return answer(HttpStatus.UNPROCESSABLE_ENTITY, error.message, error.check ? { check: error.check } : {});
  if (error instanceof LimitExceededError) {
    const status = { tooLarge: HttpStatus.PAYLOAD_TOO_LARGE, quota: HttpStatus.UNPROCESSABLE_ENTITY, busy: HttpStatus.TOO_MANY_REQUESTS }[
      error.kind
    ];
    return answer(status, error.message, {
      errors: error.errors,
      limit: error.limit,
      ...(error.retryAfterSeconds !== undefined && { retryAfterSeconds: error.retryAfterSeconds }),
    });
  }
  if (error instanceof RetryLaterError) {
    const status = error.reason === 'busy' ? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.SERVICE_UNAVAILABLE;
    return answer(status, error.message, { retryAfterSeconds: error.retryAfterSeconds });
  }
  return answer(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
}

/**
 * Nest's HttpExceptions (guards, unknown routes, the rate limiter, and the bodies Fastify could not take, which reach
 * this filter as HttpExceptions) and any other error carrying a 4xx `statusCode`; anything else is a 500 that says
 * nothing of the inside.
 */
function otherAnswer(exception: unknown, reply: FastifyReply): ErrorBody {
  const { status, message } = statusOf(exception);
  if (status === undefined) return answer(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
  if (status === 429) {
    // The rate limiter told the reply when its window frees up (Retry-After-<throttler>).
    const retryAfterSeconds = Math.max(1, Number(reply.getHeader(`Retry-After-${ADMIN_THROTTLER}`)) || 60);
    return answer(status, 'Too many requests: this token is over its rate limit', { retryAfterSeconds });
  }
  // Our own 400s are domain errors; a 400, 413 or 415 arriving here is the body Fastify could not take.
  return [400, 413, 415].includes(status) ? answer(status, message, { errors: [{ field: 'body', message }] }) : answer(status, message);
}

function statusOf(exception: unknown): { status?: number; message: string } {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response ? String(response.message) : exception.message;
    return { status: exception.getStatus(), message };
  }
  const status = (exception as { statusCode?: unknown } | null)?.statusCode;
  return { status: typeof status === 'number' && status >= 400 && status < 500 ? status : undefined, message: errorMessage(exception) };
}

function isHealthReport(response: unknown): boolean {
  return typeof response === 'object' && response !== null && 'status' in response && 'details' in response;
}
