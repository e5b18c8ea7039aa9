import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ForbiddenError } from '../common/domain-errors.js';
import { type ConsoleRevocationView, type ConsoleSessionView, consoleSessionView } from '../sessions/console-session-view.js';
import { ConsoleSessions } from '../sessions/console-sessions.js';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import { ConsoleSessionDto, ConsoleSiteDto } from './console-session.dto.js';
import { Answers, Refuses } from './openapi/answers.decorator.js';
import { RateLimited } from './rate-limited.decorator.js';

@ApiTags('console')
@Access('admin')
@RateLimited()
@Controller('v1/console-sessions')
export class ConsoleSessionsController {
  constructor(private readonly sessions: ConsoleSessions) {}

  /** The platform opens the console for one of its tenants: a short-lived token of that site, never an admin token. */
  @Post()
  @HttpCode(201)
  @Answers(
    201,
    'The session: open `url` for the tenant (embedded or as a link); its token opens the admin API of the site until `expiresAt`',
    'ConsoleSession',
  )
  @Refuses([400, 403], {
    400: 'siteNumber or ttlSeconds is missing or out of range',
    403: 'A site-limited token asking for another site, or a console session asking for a session',
  })
  @ApiOperation({ summary: "Open the console for a site: a short-lived token limited to that site's admin API (15 minutes unless asked)" })
  async create(@Body() body: ConsoleSessionDto, @CurrentPrincipal() principal: Principal): Promise<ConsoleSessionView> {
    this.mayActFor(principal, body.siteNumber, 'open');
    return consoleSessionView(await this.sessions.issue(body.siteNumber, body.ttlSeconds));
  }

  /** The platform ends every console session of a site now (its user signed out, lost access, or a link leaked). */
  @Post('revocations')
  @HttpCode(200)
  @Answers(200, 'Every session of the site issued before `revokedBefore` is refused from now on, on every instance', 'ConsoleRevocation')
  @Refuses([400, 403], {
    400: 'siteNumber is missing or out of range',
    403: 'A site-limited token naming another site, or a console session',
  })
  @ApiOperation({ summary: "Revoke a site's console sessions: those issued before now answer 401 from now on" })
  async revoke(@Body() body: ConsoleSiteDto, @CurrentPrincipal() principal: Principal): Promise<ConsoleRevocationView> {
    this.mayActFor(principal, body.siteNumber, 'revoke');
    return { siteNumber: body.siteNumber, revokedBefore: (await this.sessions.revoke(body.siteNumber)).toISOString() };
  }

  /** Only the platform's tokens act on sessions, a site-limited one for its own site. */
  private mayActFor(principal: Principal, siteNumber: number, act: 'open' | 'revoke'): void {
    // A session never makes or ends another: it ends when it expires, whoever holds it, or when its platform ends it.
    if (principal.session) throw new ForbiddenError(`A console session cannot ${act} sessions: ask the platform`);
    if (principal.siteNumber !== undefined && principal.siteNumber !== siteNumber)
      throw new ForbiddenError(`siteNumber: this token may only ${act} sessions of site ${principal.siteNumber}`);
  }
}
