import { Body, Controller, Headers, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IngestService, type IngestReceipt } from '../events/ingest.service.js';

@Controller('v1/events')
export class EventsController {
  constructor(private readonly ingest: IngestService) {}

  /**
   * 202 once the routed messages are committed to the store; delivery follows. With an `Idempotency-Key`,
   * a repeat within the retention window gets the first answer again (`Idempotent-Replayed: true`).
   */
  @Post()
  accept(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): IngestReceipt {
    const answer = this.ingest.ingest(body, idempotencyKey);
    void reply.status(answer.status);
    if (answer.replayed) void reply.header('Idempotent-Replayed', 'true');
    return answer.receipt;
  }
}
