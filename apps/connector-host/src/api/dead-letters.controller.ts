import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { type DeadLetterPage, DeadLettersService } from '../delivery/dead-letters.service.js';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import { ListDeadLettersQuery, ReplayDeadLettersDto } from './dead-letters.dto.js';
import { uuidParam } from './uuid-param.pipe.js';

@ApiTags('delivery')
@Access('admin')
@UseGuards(ThrottlerGuard)
@Controller('v1/connectors/:id/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  /** Oldest first, paged by id: pass the answer's `nextAfter` as `after`. */
  @Get()
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
  @ApiOperation({ summary: 'Requeue all or the given dead letters' })
  @HttpCode(200)
  replay(
    @Param('id', uuidParam()) id: string,
    @Body() body: ReplayDeadLettersDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ replayed: number }> {
    return this.deadLetters.replay(id, body.ids, principal.siteNumber);
  }
}
