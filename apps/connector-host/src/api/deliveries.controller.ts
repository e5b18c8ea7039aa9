import { Controller, Get, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Answers, Refuses } from './openapi/answers.decorator.js';
import { RateLimited } from './rate-limited.decorator.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeliveriesService } from '../delivery/deliveries.service.js';
import type { DeliveryList } from '../delivery/delivery-list.js';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import { DeliveriesQuery } from './list-queries.dto.js';

@ApiTags('delivery')
@Access('admin')
@RateLimited()
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  /** Recent messages, newest first: delivered (the connector's receipt), pending (attempts, next try), skipped (why), dead-lettered (why). */
  @Get()
  @Answers(200, 'Newest first', 'DeliveryList')
  @Refuses([400, 404, 429], {
    400: 'A filter is wrong, or none given',
    404: 'A site-limited token naming a connector it may not see',
    429: 'A search of this client is running, or it is over the admin rate limit',
  })
  @ApiOperation({
    summary:
      'What became of recent messages of a profile, a source or a connector; `complete` is false when the backlog was searched only as far back as a search may go',
  })
  async find(
    @Query() query: DeliveriesQuery,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<DeliveryList> {
    return this.deliveries.find(query, principal.key ?? request.ip, principal.siteNumber);
  }
}
