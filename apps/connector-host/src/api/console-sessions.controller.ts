import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ForbiddenError } from '../common/domain-errors.js';
import { type ConsoleSessionView, consoleSessionView } from '../sessions/console-session-view.js';
import { ConsoleSessions } from '../sessions/console-sessions.js';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import { ConsoleSessionDto } from './console-session.dto.js';
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
    // A session never makes another: it ends when it expires, whoever holds it.
    if (principal.session) throw new ForbiddenError('A console session cannot open another session: ask the platform for a new link');
    if (principal.siteNumber !== undefined && principal.siteNumber !== body.siteNumber)
      throw new ForbiddenError(`siteNumber: this token may only open sessions of site ${principal.siteNumber}`);
    return consoleSessionView(await this.sessions.issue(body.siteNumber, body.ttlSeconds));
  }
}
