import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ReplayList, ReplayView } from '../history/replay-view.js';
import { ReplaysService } from '../history/replays.service.js';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import { Answers, Refuses } from './openapi/answers.decorator.js';
import { RateLimited } from './rate-limited.decorator.js';
import { ListReplaysQuery, ReplayDto } from './replay.dto.js';
import { uuidParam } from './uuid-param.pipe.js';

@ApiTags('delivery')
@Access('admin')
@RateLimited()
@Controller('v1/connectors/:id/replays')
export class ReplaysController {
  constructor(private readonly replays: ReplaysService) {}

  /** Sends a time range of the history again, with the same message ids, in order, behind live traffic. */
  @Post()
  @HttpCode(202)
  @Answers(202, 'The replay, running', 'ReplayView')
  @Refuses([400, 404, 409], { 409: 'The connector has a replay running' })
  @ApiOperation({ summary: "Replay a time range of a connector's history (one replay at a time per connector)" })
  create(@Param('id', uuidParam()) id: string, @Body() body: ReplayDto, @CurrentPrincipal() principal: Principal): Promise<ReplayView> {
    return this.replays.create(id, body, principal.siteNumber);
  }

  @Get()
  @Answers(200, "The connector's latest replays, newest first", 'ReplayList')
  @Refuses([400, 404])
  @ApiOperation({ summary: "A connector's latest replays (`limit` 1-20, default 10), a running one among them" })
  list(
    @Param('id', uuidParam()) id: string,
    @Query() query: ListReplaysQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReplayList> {
    return this.replays.recent(id, query.limit ?? 10, principal.siteNumber);
  }

  @Get(':replayId')
  @Answers(200, 'The replay as it stands', 'ReplayView')
  @Refuses([400, 404])
  @ApiOperation({ summary: 'A replay: status, total, requeued, delivered' })
  get(
    @Param('id', uuidParam()) id: string,
    @Param('replayId', uuidParam('replayId')) replayId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReplayView> {
    return this.replays.get(id, replayId, principal.siteNumber);
  }

  /** Stops a running replay; what it requeued already still goes. */
  @Delete(':replayId')
  @Answers(200, 'The replay, cancelled', 'ReplayView')
  @Refuses([400, 404, 409], { 409: 'The replay is not running' })
  @ApiOperation({ summary: 'Cancel a running replay' })
  cancel(
    @Param('id', uuidParam()) id: string,
    @Param('replayId', uuidParam('replayId')) replayId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReplayView> {
    return this.replays.cancel(id, replayId, principal.siteNumber);
  }
}
