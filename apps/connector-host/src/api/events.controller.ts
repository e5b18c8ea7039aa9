import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { Refuses, schemaRef } from './openapi/answers.decorator.js';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { eventsRequestSchema } from '../intake/events.schema.js';
import type { IngestReceipt } from '../intake/ingest-receipt.js';
import { IngestService } from '../intake/ingest.service.js';

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
  @HttpCode(202)
  @ApiResponse({
    status: 202,
    description: 'Committed to the store; delivery follows',
    schema: schemaRef('IngestReceipt'),
    headers: {
      'Idempotent-Replayed': {
        description: 'true when this is the stored answer to an earlier request with the same Idempotency-Key',
        schema: { type: 'string', enum: ['true'] },
      },
    },
  })
  @Refuses([400, 403, 413, 422, 429, 503], {
    400: 'A field is wrong: `errors` names each (`events[3].sourceId`, …); nothing was stored',
    403: "An event of another site than this token's",
    413: 'The body is larger than MAX_BODY_BYTES, or it would route more messages or bytes than a request may (MAX_MESSAGES_PER_REQUEST, MAX_ROUTED_BYTES_PER_REQUEST), or a message larger than its connector takes (MAX_MESSAGE_BYTES, `errors` names the event): `limit` says which; nothing was stored',
    422: 'This Idempotency-Key was used for a different body',
    429: "A connector's backlog is at its cap, its site's backlog at its quota (messages or bytes), or this client's requests in progress hold their share of the host's intake memory: `limit` says which; nothing was stored, retry after Retry-After seconds",
    503: 'Shutting down, the store cannot commit now, the host is taking in as much as it may, or this instance only delivers (ROLE=delivery): nothing was stored',
  })
  @ApiOperation({ summary: 'Accept audience and journey events: 202 once committed; 400 naming fields; 429/503 with Retry-After' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A repeat within 24 h gets the first answer again' })
  @ApiHeader({
    name: 'traceparent',
    required: false,
    description: "W3C trace context: with OpenTelemetry on, the request's span continues the caller's trace",
  })
  @ApiBody({ schema: eventsRequestSchema(1000) as object })
  async accept(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<IngestReceipt> {
    const answer = await this.ingest.ingest(body, principal.key ?? request.ip, idempotencyKey, principal.siteNumber, traceparent);
    void reply.status(answer.status);
    if (answer.replayed) void reply.header('Idempotent-Replayed', 'true');
    return answer.receipt;
  }
}
