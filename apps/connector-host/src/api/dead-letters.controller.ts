import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Access, CurrentPrincipal } from '../auth/access.decorator.js';
import type { Principal } from '../auth/access-tokens.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConnectorSetupsService } from '../connectors/connector-setups.service.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { DeadLettersRepository } from '../store/dead-letters.repository.js';
import { OutboxRepository } from '../store/outbox.repository.js';
import { ListDeadLettersQuery, ReplayDeadLettersDto } from './dead-letters.dto.js';
import { uuidParam } from './uuid-param.pipe.js';

export interface DeadLetterView {
  id: number;
  partitionKey: string;
  /** The message exactly as it would have been sent. */
  message: unknown;
  attempts: number;
  acceptedAt: string;
  failedAt: string;
  errorCode: string;
  errorMessage: string;
}

@ApiTags('delivery')
@Access('admin')
@UseGuards(ThrottlerGuard)
@Controller('v1/connectors/:id')
export class DeadLettersController {
  constructor(
    private readonly setups: ConnectorSetupsService,
    private readonly deadLetters: DeadLettersRepository,
    private readonly outbox: OutboxRepository,
    private readonly delivery: DeliveryService,
  ) {}

  /** Oldest first, paged by id: pass the answer's `nextAfter` as `after`. */
  @Get('dead-letters')
  @ApiOperation({ summary: 'Dead letters, oldest first, paged by id' })
  async list(
    @Param('id', uuidParam()) id: string,
    @Query() query: ListDeadLettersQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ items: DeadLetterView[]; total: number; nextAfter: number | null }> {
    await this.setups.row(id, principal.siteNumber);
    const limit = query.limit ?? 100;
    const rows = await this.deadLetters.list(id, query.after ?? 0, limit);
    return {
      items: rows.map((row) => ({
        id: row.id,
        partitionKey: row.partition_key,
        message: JSON.parse(row.body),
        attempts: row.attempts,
        acceptedAt: new Date(row.accepted_at).toISOString(),
        failedAt: new Date(row.failed_at).toISOString(),
        errorCode: row.error_code,
        errorMessage: row.error_message,
      })),
      total: await this.deadLetters.count(id),
      nextAfter: rows.length === limit ? rows[rows.length - 1].id : null,
    };
  }

  /** Puts all (or the given) dead letters back in the outbox, in their original order. */
  @Post('dead-letters/replay')
  @ApiOperation({ summary: 'Requeue all or the given dead letters' })
  @HttpCode(200)
  async replay(
    @Param('id', uuidParam()) id: string,
    @Body() body: ReplayDeadLettersDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ replayed: number }> {
    await this.setups.row(id, principal.siteNumber);
    const replayed = this.deadLetters.replay(id, body.ids);
    this.outbox.adjust(id, replayed);
    this.delivery.wake([id]);
    return { replayed };
  }

  /** Lifts an automatic pause. */
  @Post('resume')
  @ApiOperation({ summary: 'Lift an automatic pause' })
  @HttpCode(200)
  resume(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal) {
    return this.setups.resume(id, principal.siteNumber);
  }
}
