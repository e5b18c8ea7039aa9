import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { TrafficStatsService } from '../stats/traffic-stats.service.js';
import type { ConnectorStats } from '../stats/connector-stats.js';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import { Answers, Refuses } from './openapi/answers.decorator.js';
import { RateLimited } from './rate-limited.decorator.js';
import { StatsQuery } from './stats.dto.js';
import { uuidParam } from './uuid-param.pipe.js';

@ApiTags('delivery')
@Access('admin')
@RateLimited()
@Controller('v1/connectors/:id/stats')
export class StatsController {
  constructor(private readonly stats: TrafficStatsService) {}

  @Get()
  @Answers(200, 'Daily counts over the window, oldest day first, with totals', 'ConnectorStats')
  @Refuses([400, 404], { 400: 'id is not a UUID, or days is not 7, 30 or 90' })
  @ApiOperation({
    summary: "A connector's traffic per UTC day over 7, 30 or 90 days: delivered (and REMOVED of them), skipped, failed, dead-lettered",
  })
  get(@Param('id', uuidParam()) id: string, @Query() query: StatsQuery, @CurrentPrincipal() principal: Principal): Promise<ConnectorStats> {
    return this.stats.forConnector(id, query.days ?? 7, principal.siteNumber);
  }
}
