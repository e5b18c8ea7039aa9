import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal } from './access-tokens.js';

export const ACCESS_KEY = 'connector-host:access';

/** Which token scope a route needs; `public` routes (health, metrics, docs) need none. */
export const Access = (access: 'admin' | 'ingest' | 'public') => SetMetadata(ACCESS_KEY, access);

/** The caller, as the auth guard established it. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  return context.switchToHttp().getRequest<{ principal: Principal }>().principal;
});
