import { Body, Controller, Headers, Post, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import type { FastifyReply } from 'fastify';
import { eventsRequestSchema } from '../intake/events.schema.js';
import { IngestService, type IngestReceipt } from '../intake/ingest.service.js';

@ApiTags('events')
@Access('ingest')
@Controller('v1/events')
export class EventsController {
  constructor(private readonly ingest: IngestService) {}

  /**
   * 202 once the routed messages are committed to the store; delivery follows. With an `Idempotency-Key`,
   * a repeat within the retention window gets the first answer again (`Idempotent-Replayed: true`).
   */
  @Post()
  @ApiOperation({ summary: 'Accept audience and journey events: 202 once committed; 400 naming fields; 429/503 with Retry-After' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A repeat within 24 h gets the first answer again' })
  @ApiBody({ schema: eventsRequestSchema(1000) as object })
  async accept(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<IngestReceipt> {
    const answer = await this.ingest.ingest(body, idempotencyKey, principal.siteNumber);
    void reply.status(answer.status);
    if (answer.replayed) void reply.header('Idempotent-Replayed', 'true');
    return answer.receipt;
  }
}
