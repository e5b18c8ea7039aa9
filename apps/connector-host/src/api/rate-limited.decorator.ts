import { applyDecorators, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Refuses } from './openapi/answers.decorator.js';

/** The admin rate limit (ADMIN_RATE_LIMIT_PER_MINUTE per token), and its 429 in the API document. */
export const RateLimited = () =>
  applyDecorators(UseGuards(ThrottlerGuard), Refuses([429], { 429: 'Over the admin rate limit: retry after Retry-After seconds' }));
