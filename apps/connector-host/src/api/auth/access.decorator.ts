import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { Refuses } from '../openapi/answers.decorator.js';
import type { Principal } from './access-tokens.js';

export const ACCESS_KEY = 'connector-host:access';

/** Which token scope a route needs; `public` routes (liveness, readiness, docs) need none. */
export type RouteAccess = 'admin' | 'ingest' | 'metrics' | 'public';

/**
 * Which token scope a route needs; `public` routes need none. A protected route's API
 * document says so (bearer security, 401, 403) from this same declaration, so the two cannot drift apart.
 */
export const Access = (access: RouteAccess) =>
  access === 'public'
    ? SetMetadata(ACCESS_KEY, access)
    : applyDecorators(SetMetadata(ACCESS_KEY, access), ApiBearerAuth(), Refuses([401, 403], { 403: `Needs a token of scope ${access}` }));

/** The caller, as the auth guard established it. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  return context.switchToHttp().getRequest<{ principal: Principal }>().principal;
});
