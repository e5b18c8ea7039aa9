import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { accessControlOn, HOST_CONFIG, type HostConfig } from '../../config/host.config.js';
import { ACCESS_KEY, type RouteAccess } from './access.decorator.js';
import type { AccessToken } from '../../config/access-tokens.config.js';
import { matchToken, presentedToken, type Principal, tokenDigest } from './access-tokens.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';
import { isLoopbackRequest } from './loopback-request.js';

/**
 * Bearer-token access control for every route: 401 without a valid token, 403 with a token of another scope, 429
 * instead of 401 for an address that failed too often (a valid token still passes). With no token configured at all, the host listens on loopback only (see
 * main.ts) and serves only requests from this machine that name it in their Host header.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly tokens: AccessToken[];
  private readonly on: boolean;

  constructor(
    private readonly reflector: Reflector,
    @Inject(HOST_CONFIG) config: HostConfig,
    private readonly failures: AuthFailureLimiter,
  ) {
    this.tokens = [...config.adminTokens, ...config.ingestTokens, ...config.metricsTokens];
    this.on = accessControlOn(config);
  }

  canActivate(context: ExecutionContext): boolean {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    if (access === 'public') return true;
    if (!this.on) {
      if (!isLoopbackRequest(request.socket.remoteAddress, request.headers.host)) {
        throw new ForbiddenException({
          statusCode: 403,
          error: 'Forbidden',
          message: 'With no tokens configured this host serves requests from this machine, naming it in their Host header, only',
        });
      }
      request.principal = { scope: 'unauthenticated-loopback' };
      return true;
    }
    const presented = presentedToken(request.headers.authorization);
    const token = presented ? matchToken(presented, this.tokens) : undefined;
    if (!token) {
      // A valid token always passes: an address that keeps failing (a guesser, or everyone behind one proxy) must
      // not lock the others out; its failures alone are refused, 429 once there are too many.
      this.failures.refuseIfBlocked(request.ip);
      this.failures.failed(request.ip);
      void context.switchToHttp().getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'A valid bearer token is required (Authorization: Bearer <token>)',
      });
    }
    // A route without a declared scope is an admin route: closed by default.
    const needed = access ?? 'admin';
    if (!mayUse(token, needed)) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: `This route needs a token of scope ${needed}${needed === 'metrics' ? ' (or admin, not limited to a site)' : ''}; this one is ${token.scope}${token.siteNumber === undefined ? '' : ` of site ${token.siteNumber}`}`,
      });
    }
    request.principal = { scope: token.scope, siteNumber: token.siteNumber, key: tokenDigest(token.hash) };
    return true;
  }
}

/** The metrics name every tenant's connectors: a metrics token, or an admin token of the whole host, may read them. */
function mayUse(token: AccessToken, needed: Exclude<RouteAccess, 'public'>): boolean {
  if (needed === 'metrics') return token.scope === 'metrics' || (token.scope === 'admin' && token.siteNumber === undefined);
  return token.scope === needed;
}
