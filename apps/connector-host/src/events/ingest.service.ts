import { createHash } from 'node:crypto';
import { ForbiddenException, Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit, UnprocessableEntityException } from '@nestjs/common';
import { invalidInput } from '../api/field-errors.js';
import { RetryLaterException } from '../api/retry-later.exception.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { HostLifecycle } from '../lifecycle/host-lifecycle.js';
import { MetricsService } from '../observability/metrics.service.js';
import { EventRouter, type RouteResult, type RouteSkipReason } from '../routing/event-router.service.js';
import { DatabaseService } from '../store/database.service.js';
import { IdempotencyRepository } from '../store/idempotency.repository.js';
import { TraceRepository } from '../store/trace.repository.js';
import { type AppendedChunk, type NewMessage, OutboxRepository } from '../store/outbox.repository.js';
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

export interface IngestAnswer {
  status: number;
  receipt: IngestReceipt;
  /** True when this is the stored answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const PURGE_EVERY_MS = 10 * 60_000;

/** A request checked and routed, waiting for the next group commit. */
interface QueuedRequest {
  routed: RouteResult;
  key?: string;
  hash: string;
  receipt: IngestReceipt;
  events: number;
  at: number;
  /** Set inside the group's transaction; counted (and cached) only once it committed. */
  appended?: AppendedChunk[];
  resolve: (answer: IngestAnswer) => void;
  reject: (error: unknown) => void;
}

/**
 * Validate, route, and commit (messages and idempotency record together), then wake the delivery loops.
 * Group commit: the requests that arrive within one turn of the event loop share one transaction, so a
 * flood pays one fsync per group instead of one per request; none is answered before its group committed.
 * Caps and idempotency keys count what is queued as well as what is stored.
 */
@Injectable()
export class IngestService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IngestService.name);
  private readonly commitGroup: (group: readonly QueuedRequest[]) => void;
  private queue: QueuedRequest[] = [];
  private readonly queuedByConnector = new Map<string, number>();
  private readonly queuedKeys = new Map<string, { hash: string; answer: Promise<IngestAnswer> }>();
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly validator: EventsRequestValidator,
    private readonly router: EventRouter,
    private readonly outbox: OutboxRepository,
    private readonly idempotency: IdempotencyRepository,
    private readonly delivery: DeliveryService,
    private readonly lifecycle: HostLifecycle,
    private readonly metrics: MetricsService,
    private readonly trace: TraceRepository,
    database: DatabaseService,
  ) {
    this.commitGroup = database.sqlite.transaction((group: readonly QueuedRequest[]) => {
      for (const request of group) {
        request.appended = this.outbox.appendAll(request.routed.messages, request.at);
        if (request.key !== undefined) this.idempotency.record(request.key, request.hash, 202, request.receipt, request.at);
      }
    });
  }

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => this.purgeKeys(), PURGE_EVERY_MS).unref();
    this.purgeKeys();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  /** `site`: the only site a site-limited token may post for. */
  async ingest(body: unknown, idempotencyKey?: string, site?: number): Promise<IngestAnswer> {
    if (!this.lifecycle.accepting) throw new RetryLaterException(503, 'The host is shutting down; retry shortly', 5);
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw invalidInput([{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters' }]);
    }
    const now = Date.now();
    // Keys are per site scope, so one tenant's key never answers with another's receipt.
    const key = idempotencyKey === undefined ? undefined : `${site ?? '*'}:${idempotencyKey}`;
    const hash = idempotencyKey === undefined ? '' : createHash('sha256').update(JSON.stringify(body)).digest('hex');
    if (key !== undefined) {
      const earlier = this.idempotency.lookup(key, now - this.config.idempotencyRetentionMs);
      const queued = this.queuedKeys.get(key);
      const earlierHash = earlier?.request_hash ?? queued?.hash;
      if (earlierHash !== undefined && earlierHash !== hash) {
        throw new UnprocessableEntityException({
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: 'This Idempotency-Key was used for a different request body',
        });
      }
      if (earlier) return { status: earlier.status, receipt: JSON.parse(earlier.response), replayed: true };
      // The same request is waiting for its group commit: share its fate (202, or 503 with nothing stored).
      if (queued) return { ...(await queued.answer), replayed: true };
    }

    const { events } = this.validator.parse(body);
    if (site !== undefined) {
      const other = events.findIndex((event) => event.siteNumber !== site);
      if (other >= 0) {
        throw new ForbiddenException({
          statusCode: 403,
          error: 'Forbidden',
          message: `events[${other}].siteNumber: this token may only post events of site ${site}`,
          errors: [{ field: `events[${other}].siteNumber`, message: `this token may only post events of site ${site}` }],
        });
      }
    }
    const routed = this.router.route(events);
    this.refuseOverCap(routed.messages);
    const total = Object.values(routed.skipped).reduce((sum, count) => sum + (count ?? 0), 0);
    const receipt: IngestReceipt = { accepted: events.length, routed: routed.messages.length, skipped: { total, ...routed.skipped } };
    const answer = new Promise<IngestAnswer>((resolve, reject) => {
      this.queue.push({ routed, key, hash, receipt, events: events.length, at: now, resolve, reject });
      for (const message of routed.messages) this.queuedByConnector.set(message.connectorId, (this.queuedByConnector.get(message.connectorId) ?? 0) + 1);
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
    if (key !== undefined) {
      this.queuedKeys.set(key, { hash, answer });
      answer.then(
        () => this.queuedKeys.delete(key),
        () => this.queuedKeys.delete(key),
      );
    }
    return answer;
  }

  /** Commits every queued request in one transaction, then answers each. */
  private flush(): void {
    const group = this.queue;
    this.queue = [];
    this.queuedByConnector.clear();
    try {
      this.commitGroup(group);
    } catch (error) {
      // Disk full, I/O error, locked or read-only file: nothing was committed; the platform retries later.
      this.logger.error(`could not commit events: ${error instanceof Error ? error.message : String(error)}`);
      for (const request of group) request.reject(new RetryLaterException(503, 'The event store could not commit this request; nothing was stored', 5));
      return;
    }
    for (const request of group) {
      this.outbox.committed(request.appended ?? []);
      this.trace.write(request.routed.skips.map((skip) => ({ ...skip, status: 'skipped' as const, acceptedAt: request.at, at: request.at })));
      this.delivery.wake(request.routed.connectors.keys());
      this.count(request.events, request.routed);
      request.resolve({ status: 202, receipt: request.receipt, replayed: false });
    }
  }

  private count(events: number, routed: RouteResult): void {
    this.metrics.eventsReceived.inc(events);
    const perConnector = new Map<string, number>();
    for (const message of routed.messages) perConnector.set(message.connectorId, (perConnector.get(message.connectorId) ?? 0) + 1);
    for (const [connectorId, count] of perConnector) {
      this.metrics.messagesRouted.inc({ connector_id: connectorId, connector_type: routed.connectors.get(connectorId) ?? '' }, count);
    }
    for (const [reason, count] of Object.entries(routed.skipped)) this.metrics.messagesSkipped.inc({ reason }, count ?? 0);
  }

  /** A connector whose backlog would pass its cap refuses the whole request (nothing is half-stored). */
  private refuseOverCap(messages: readonly NewMessage[]): void {
    const adding = new Map<string, number>();
    for (const message of messages) adding.set(message.connectorId, (adding.get(message.connectorId) ?? 0) + 1);
    for (const [connectorId, count] of adding) {
      const backlog = this.outbox.pendingCount(connectorId) + (this.queuedByConnector.get(connectorId) ?? 0);
      if (backlog + count > this.config.maxBacklogPerConnector) {
        throw new RetryLaterException(
          429,
          `Connector ${connectorId} has ${backlog} undelivered messages (cap ${this.config.maxBacklogPerConnector}); nothing of this request was stored`,
          30,
        );
      }
    }
  }

  private purgeKeys(): void {
    const purged = this.idempotency.purge(Date.now() - this.config.idempotencyRetentionMs);
    if (purged > 0) this.logger.log(`forgot ${purged} idempotency keys past retention`);
  }
}
