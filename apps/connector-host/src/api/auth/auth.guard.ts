import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HOST_CONFIG, type HostConfig } from '../../config/host.config.js';
import { ACCESS_KEY } from './access.decorator.js';
import type { AccessToken } from '../../config/access-tokens.config.js';
import { matchToken, type Principal } from './access-tokens.js';

/**
 * Bearer-token access control for every route: 401 without a valid token, 403 with a token of the other
 * scope. With no token configured at all the host serves loopback only (see main.ts) and lets calls through.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly tokens: AccessToken[];

  constructor(
    private readonly reflector: Reflector,
    @Inject(HOST_CONFIG) config: HostConfig,
  ) {
    this.tokens = [...config.adminTokens, ...config.ingestTokens];
  }

  canActivate(context: ExecutionContext): boolean {
    const access = this.reflector.getAllAndOverride<'admin' | 'ingest' | 'public' | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    if (access === 'public') return true;
    if (this.tokens.length === 0) {
      request.principal = { scope: 'unauthenticated-loopback' };
      return true;
    }
    const header = request.headers.authorization;
    const presented = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const token = presented ? matchToken(presented, this.tokens) : undefined;
    if (!token) {
      void context.switchToHttp().getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'A valid bearer token is required (Authorization: Bearer <token>)',
      });
    }
    // A route without a declared scope is an admin route: closed by default.
    const needed = access ?? 'admin';
    if (token.scope !== needed) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: `This route needs a token of scope ${needed}; this one is ${token.scope}`,
      });
    }
    request.principal = { scope: token.scope, siteNumber: token.siteNumber };
    return true;
  }
}
