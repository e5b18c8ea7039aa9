import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { MessageHistoryService } from '../history/message-history.service.js';
import type { MessagePage } from '../history/message-view.js';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import { ListMessagesQuery } from './list-queries.dto.js';
import { Answers, Refuses } from './openapi/answers.decorator.js';
import { RateLimited } from './rate-limited.decorator.js';
import { uuidParam } from './uuid-param.pipe.js';

@ApiTags('delivery')
@Access('admin')
@RateLimited()
@Controller('v1/connectors/:id/messages')
export class MessagesController {
  constructor(private readonly history: MessageHistoryService) {}

  /** Newest first, paged by cursor: pass the answer's `next` as `cursor`. */
  @Get()
  @Answers(200, 'One page of messages, newest first', 'MessagePage')
  @Refuses([400, 404, 429], {
    400: 'A filter is wrong',
    404: 'No such connector (or one a site-limited token may not see)',
    429: 'A search of this client is running, or it is over the admin rate limit',
  })
  @ApiOperation({
    summary: `A connector's messages, newest first, each with its attempts (time, outcome, latency, receipt or error), kept MESSAGE_HISTORY_DAYS`,
  })
  list(
    @Param('id', uuidParam()) id: string,
    @Query() query: ListMessagesQuery,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<MessagePage> {
    return this.history.page(id, query, principal.key ?? request.ip, principal.siteNumber);
  }
}
