import { Injectable } from '@nestjs/common';
import { DeliveryService } from '../delivery/delivery.service.js';
import { EventRouter, type RouteSkipReason } from '../routing/event-router.service.js';
import { OutboxRepository } from '../store/outbox.repository.js';
import { EventsRequestValidator } from './events-request.validator.js';

/** The answer to POST /v1/events. */
export interface IngestReceipt {
  /** Events taken (all of the request, or none: the request is one transaction). */
  accepted: number;
  /** Messages committed for delivery. */
  routed: number;
  /** Skips by reason; `total` is their sum. */
  skipped: { total: number } & Partial<Record<RouteSkipReason, number>>;
}

/** Validate, route, commit in one transaction, wake the delivery loops. */
@Injectable()
export class IngestService {
  constructor(
    private readonly validator: EventsRequestValidator,
    private readonly router: EventRouter,
    private readonly outbox: OutboxRepository,
    private readonly delivery: DeliveryService,
  ) {}

  ingest(body: unknown): IngestReceipt {
    const { events } = this.validator.parse(body);
    const routed = this.router.route(events);
    if (routed.messages.length > 0) this.outbox.appendAll(routed.messages, Date.now());
    this.delivery.wake(routed.connectorIds);
    const total = Object.values(routed.skipped).reduce((sum, count) => sum + (count ?? 0), 0);
    return { accepted: events.length, routed: routed.messages.length, skipped: { total, ...routed.skipped } };
  }
}
