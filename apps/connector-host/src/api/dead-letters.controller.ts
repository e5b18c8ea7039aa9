import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Answers, Refuses } from './openapi/answers.decorator.js';
import { RateLimited } from './rate-limited.decorator.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DeadLetterPage, DeleteResult, ReplayResult } from '../delivery/dead-letter-answers.js';
import { DeadLettersService } from '../delivery/dead-letters.service.js';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import { DeleteDeadLettersDto, ListDeadLettersQuery, ReplayDeadLettersDto } from './dead-letters.dto.js';
import { uuidParam } from './uuid-param.pipe.js';

@ApiTags('delivery')
@Access('admin')
@RateLimited()
@Controller('v1/connectors/:id/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  /** Oldest first, paged by id: pass the answer's `nextAfter` as `after`. */
  @Get()
  @Answers(200, 'One page of dead letters', 'DeadLetterPage')
  @Refuses([400, 404])
  @ApiOperation({ summary: 'Dead letters, oldest first, paged by id' })
  list(
    @Param('id', uuidParam()) id: string,
    @Query() query: ListDeadLettersQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DeadLetterPage> {
    return this.deadLetters.list(id, query, principal.siteNumber);
  }

  /** Puts all (or the given) dead letters back in the outbox, in their original order. */
  @Post('replay')
  @Answers(200, 'How many went back to the outbox', 'ReplayResult')
  @Refuses([400, 404])
  @ApiOperation({ summary: 'Requeue all or the given dead letters' })
  @HttpCode(200)
  replay(
    @Param('id', uuidParam()) id: string,
    @Body() body: ReplayDeadLettersDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReplayResult> {
    return this.deadLetters.replay(id, body.ids, principal.siteNumber);
  }

  /** Deletes all (or the given) dead letters: what the site no longer wants replayed frees its quota. */
  @Post('delete')
  @Answers(200, 'How many were deleted', 'DeleteResult')
  @Refuses([400, 404])
  @ApiOperation({ summary: 'Delete all or the given dead letters (they count toward SITE_MAX_DEAD_LETTERS)' })
  @HttpCode(200)
  delete(
    @Param('id', uuidParam()) id: string,
    @Body() body: DeleteDeadLettersDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DeleteResult> {
    return this.deadLetters.delete(id, body.ids, principal.siteNumber);
  }
}
