import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** A 429 or 503 that tells the caller when to try again (`Retry-After`), having committed nothing. */
export class RetryLaterException extends HttpException {
  constructor(
    status: 429 | 503,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ statusCode: status, error: status === 429 ? 'Too Many Requests' : 'Service Unavailable', message, retryAfterSeconds }, status);
  }
}

@Catch(RetryLaterException)
export class RetryLaterFilter implements ExceptionFilter {
  catch(exception: RetryLaterException, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(exception.getStatus()).header('Retry-After', String(exception.retryAfterSeconds)).send(exception.getResponse());
  }
}
