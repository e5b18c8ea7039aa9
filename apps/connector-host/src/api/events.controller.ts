import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { IngestService, type IngestReceipt } from '../events/ingest.service.js';

@Controller('v1/events')
export class EventsController {
  constructor(private readonly ingest: IngestService) {}

  /** 202: the routed messages are committed to the store; delivery follows. */
  @Post()
  @HttpCode(202)
  accept(@Body() body: unknown): IngestReceipt {
    return this.ingest.ingest(body);
  }
}
