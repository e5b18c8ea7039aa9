import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { DeliveriesService, type DeliveryView } from '../delivery/deliveries.service.js';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import { DeliveriesQuery } from './list-queries.dto.js';

@ApiTags('delivery')
@Access('admin')
@UseGuards(ThrottlerGuard)
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  /** Recent messages, newest first: delivered (the connector's receipt), pending (attempts, next try), skipped (why), dead-lettered (why). */
  @Get()
  @ApiOperation({ summary: 'What became of recent messages of a profile, a source or a connector' })
  async find(@Query() query: DeliveriesQuery, @CurrentPrincipal() principal: Principal): Promise<{ items: DeliveryView[] }> {
    return { items: await this.deliveries.find(query, principal.siteNumber) };
  }
}
