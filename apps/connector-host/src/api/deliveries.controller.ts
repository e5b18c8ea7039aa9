import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Access, CurrentPrincipal } from '../auth/access.decorator.js';
import type { Principal } from '../auth/access-tokens.js';
import { ConnectorSetupsService } from '../connectors/connector-setups.service.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { OutboxRepository } from '../store/outbox.repository.js';
import { TraceRepository } from '../store/trace.repository.js';
import { invalidInput } from './field-errors.js';

/** GET /v1/deliveries?profileId=&sourceId=&connectorId=&limit= (at least one filter) */
export class DeliveriesQuery {
  @IsOptional()
  @MaxLength(256, { message: 'profileId must be at most 256 characters' })
  @IsString({ message: 'profileId must be a string' })
  profileId?: string;

  @IsOptional()
  @IsUUID('all', { message: 'sourceId must be a UUID' })
  sourceId?: string;

  @IsOptional()
  @IsUUID('all', { message: 'connectorId must be a UUID' })
  connectorId?: string;

  @IsOptional()
  @Type(() => Number)
  @Max(500, { message: 'limit must be at most 500' })
  @Min(1, { message: 'limit must be at least 1' })
  @IsInt({ message: 'limit must be an integer' })
  limit?: number;
}

/** What became of one message. */
export type DeliveryView =
  | { status: 'delivered'; connectorId: string; profileId: string; sourceId: string; shardId: string | null; sequenceNumber: string | null; attempts: number | null; acceptedAt: string; deliveredAt: string }
  | { status: 'pending'; connectorId: string; profileId: string; sourceId: string | null; attempts: number; nextAttemptAt: string | null; lastError: { code: string; message: string } | null; acceptedAt: string }
  | { status: 'skipped'; connectorId: string | null; profileId: string; sourceId: string; reason: string; at: string }
  | { status: 'dead_lettered'; connectorId: string; profileId: string; sourceId: string | null; errorCode: string; errorMessage: string; attempts: number; acceptedAt: string; failedAt: string };

const iso = (ms: number) => new Date(ms).toISOString();

@ApiTags('delivery')
@Access('admin')
@UseGuards(ThrottlerGuard)
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(
    private readonly trace: TraceRepository,
    private readonly outbox: OutboxRepository,
    private readonly setups: ConnectorSetupsService,
  ) {}

  /** Recent messages, newest first: delivered (shard, sequence number), pending (attempts, next try), skipped (why), dead-lettered (why). */
  @Get()
  @ApiOperation({ summary: 'What became of recent messages of a profile, a source or a connector' })
  async find(@Query() query: DeliveriesQuery, @CurrentPrincipal() principal: Principal): Promise<{ items: DeliveryView[] }> {
    if (principal.siteNumber !== undefined) {
      // A site-limited caller looks through one of its own connectors.
      if (query.connectorId === undefined) throw invalidInput([{ field: 'connectorId', message: 'connectorId is required for a token limited to one site' }]);
      await this.setups.row(query.connectorId, principal.siteNumber);
    }
    const filter = { profileId: query.profileId, sourceId: query.sourceId?.toLowerCase(), connectorId: query.connectorId };
    if (filter.profileId === undefined && filter.sourceId === undefined && filter.connectorId === undefined) {
      throw invalidInput([{ field: 'profileId', message: 'give at least one of profileId, sourceId, connectorId' }]);
    }
    const limit = query.limit ?? 100;
    const traced = this.trace.find(filter, limit);
    const pending = this.outbox.find(filter, limit);
    const dead = await this.trace.deadLettered(filter, limit);
    const items: (DeliveryView & { sortKey: number })[] = [
      ...traced.map((row) =>
        row.status === 'delivered'
          ? { status: 'delivered' as const, connectorId: row.connectorId ?? '', profileId: row.profileId, sourceId: row.sourceId, shardId: row.shardId ?? null, sequenceNumber: row.sequenceNumber ?? null, attempts: row.attempts ?? null, acceptedAt: iso(row.acceptedAt), deliveredAt: iso(row.at), sortKey: row.at }
          : { status: 'skipped' as const, connectorId: row.connectorId, profileId: row.profileId, sourceId: row.sourceId, reason: row.reason ?? '', at: iso(row.at), sortKey: row.at },
      ),
      ...pending.map((row) => ({
        status: 'pending' as const,
        connectorId: row.connector_id,
        profileId: row.partition_key,
        sourceId: row.source_id,
        attempts: row.attempts,
        nextAttemptAt: row.attempts > 0 ? iso(row.next_attempt_at) : null,
        lastError: row.last_error_code ? { code: row.last_error_code, message: row.last_error_message ?? '' } : null,
        acceptedAt: iso(row.accepted_at),
        sortKey: row.accepted_at,
      })),
      ...dead.map((row) => ({
        status: 'dead_lettered' as const,
        connectorId: row.connector_id,
        profileId: row.partition_key,
        sourceId: row.source_id,
        errorCode: row.error_code,
        errorMessage: row.error_message,
        attempts: row.attempts,
        acceptedAt: iso(row.accepted_at),
        failedAt: iso(row.failed_at),
        sortKey: row.failed_at,
      })),
    ];
    items.sort((a, b) => b.sortKey - a.sortKey);
    return { items: items.slice(0, limit).map(({ sortKey: _sortKey, ...item }) => item as DeliveryView) };
  }
}
