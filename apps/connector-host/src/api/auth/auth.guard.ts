import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { accessControlOn, HOST_CONFIG, type HostConfig } from '../../config/host.config.js';
import { ACCESS_KEY, type RouteAccess } from './access.decorator.js';
import type { AccessToken } from '../../config/access-tokens.config.js';
import { BEARER_REQUIRED, matchToken, presentedToken, type Principal, sessionExpired, tokenDigest } from './access-tokens.js';
import { AuthFailureLimiter } from './auth-failure-limiter.js';
import { isLoopbackRequest } from './loopback-request.js';
import { ConsoleSessions, looksLikeSession, type SessionCheck, sessionClient } from '../../sessions/console-sessions.js';

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
    private readonly sessions: ConsoleSessions,
  ) {
    this.tokens = [...config.adminTokens, ...config.ingestTokens, ...config.metricsTokens];
    this.on = accessControlOn(config);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    if (access === 'public') return true;
    const presented = presentedToken(request.headers.authorization);
    // A console session is its site's, with or without configured tokens (so a console opened on loopback is too).
    // What only looks like one (a configured token may) goes on as a configured token.
    if (presented !== undefined && looksLikeSession(presented)) {
      const session = await this.sessions.check(presented);
      // Without configured tokens nothing else could match it: a bad session is refused, never taken as loopback's.
      if (session.valid || session.expired || !this.on) return this.session(session, access ?? 'admin', context);
    }
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
    const token = presented ? matchToken(presented, this.tokens) : undefined;
    if (!token) {
      // A valid token always passes: an address that keeps failing (a guesser, or everyone behind one proxy) must
      // not lock the others out; its failures alone are refused, 429 once there are too many.
      this.failures.refuseIfBlocked(request.ip);
      this.failures.failed(request.ip);
      void context.switchToHttp().getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer');
      throw unauthorized(BEARER_REQUIRED);
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

  /** A console session: the admin API of its site only; an expired one says so. */
  private session(session: SessionCheck, needed: Exclude<RouteAccess, 'public'>, context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    if (!session.valid) {
      this.failures.refuseIfBlocked(request.ip);
      this.failures.failed(request.ip);
      void context.switchToHttp().getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw unauthorized(session.expired ? sessionExpired(session.expiredAt) : BEARER_REQUIRED);
    }
    if (needed !== 'admin')
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: `This route needs a token of scope ${needed}; a console session opens the admin API of its site only`,
      });
    // Counted by site, not by session: a tenant's many sessions share one rate limit and one share of intake memory.
    request.principal = { scope: 'admin', siteNumber: session.siteNumber, key: sessionClient(session.siteNumber), session: true };
    return true;
  }
}

function unauthorized(message: string): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message });
}

/** The metrics name every tenant's connectors: a metrics token, or an admin token of the whole host, may read them. */
function mayUse(token: AccessToken, needed: Exclude<RouteAccess, 'public'>): boolean {
  if (needed === 'metrics') return token.scope === 'metrics' || (token.scope === 'admin' && token.siteNumber === undefined);
  return token.scope === needed;
}
