import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  ForbiddenError,
  InvalidInputError,
  LimitExceededError,
  RetryLaterError,
  UnprocessableError,
} from '../common/domain-errors.js';
import { HostTracing, SpanKind, SpanStatusCode, traceparentOf } from '../observability/host-tracing.js';
import { intakeAttributes } from './intake-spans.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { IdempotencyRepository, type StoredAnswer } from '../store/repositories/idempotency.repository.js';
import { ConnectorBacklogCap } from './connector-backlog-cap.js';
import { EventRouter } from './event-router.js';
import { EventsRequestValidator } from './events-request.validator.js';
import { GroupCommit } from './group-commit.js';
import type { IngestAnswer, IngestReceipt } from './ingest-receipt.js';
import { IntakeBudget } from './intake-budget.js';
import { IntakeGate } from './intake-gate.js';
import { IntakeNotifications } from './intake-notifications.js';
import { SiteBacklogQuota } from './site-backlog-quota.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Takes a batch of events: validate, route, and commit (messages and idempotency record together); then 202. */
@Injectable()
export class IngestService {
  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly validator: EventsRequestValidator,
    private readonly router: EventRouter,
    private readonly commits: GroupCommit,
    private readonly idempotency: IdempotencyRepository,
    private readonly gate: IntakeGate,
    private readonly budget: IntakeBudget,
    private readonly notifications: IntakeNotifications,
    private readonly siteQuota: SiteBacklogQuota,
    private readonly connectorCap: ConnectorBacklogCap,
    private readonly tracing: HostTracing,
  ) {}

  /**
   * `client`: who is posting (a token's digest, else an address), for its share of the host's intake memory;
   * `site`: the only site a site-limited token may post for; `traceparent`: the caller's trace, which the request's
   * span continues (tracing on).
   */
  async ingest(body: unknown, client: string, idempotencyKey?: string, site?: number, traceparent?: string): Promise<IngestAnswer> {
    const span = this.tracing.start('POST /v1/events', SpanKind.SERVER, [], traceparent);
    span?.setAttributes({ 'http.request.method': 'POST', 'http.route': '/v1/events' });
    try {
      const answer = await this.take(body, client, idempotencyKey, site, traceparentOf(span));
      span?.setAttributes(intakeAttributes(answer, site));
      return answer;
    } catch (error) {
      // What a bound refused, for the metrics and alerts that tell operators whose traffic is being turned away.
      if (error instanceof LimitExceededError) this.notifications.refused({ limit: error.limit.name, connectorId: error.connectorId });
      // Its kind only: a refusal's message may quote what the request held.
      span?.setAttribute('error.type', error instanceof Error ? error.constructor.name : 'unknown');
      if (error instanceof RetryLaterError || !(error instanceof DomainError)) span?.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span?.end();
    }
  }

  private async take(body: unknown, client: string, idempotencyKey?: string, site?: number, trace?: string): Promise<IngestAnswer> {
    if (!this.gate.accepting) throw new RetryLaterError('unavailable', 'The host is shutting down; retry shortly', 5);
    if (this.config.role === 'delivery')
      throw new RetryLaterError('unavailable', 'This instance only delivers (ROLE=delivery); send events to an intake instance', 5);
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw InvalidInputError.field('Idempotency-Key', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
    }
    const now = Date.now();
    // Keys are per site scope, so one tenant's key never answers with another's receipt.
    const key = idempotencyKey === undefined ? undefined : `${site ?? '*'}:${idempotencyKey}`;
    const hash = idempotencyKey === undefined ? '' : createHash('sha256').update(JSON.stringify(body)).digest('hex');
    if (key !== undefined) {
      const earlier = await this.idempotency.lookup(key, now - this.config.idempotencyRetentionMs);
      const queued = this.commits.queuedKey(key);
      const earlierHash = earlier?.request_hash ?? queued?.hash;
      if (earlierHash !== undefined && earlierHash !== hash)
        throw new UnprocessableError('This Idempotency-Key was used for a different request body');
      if (earlier) return { status: earlier.status, receipt: JSON.parse(earlier.response) as IngestReceipt, replayed: true };
      if (queued) return this.sameAs(queued);
    }

    const { events } = this.validator.parse(body);
    if (site !== undefined) {
      const other = events.findIndex((event) => event.siteNumber !== site);
      if (other >= 0) {
        const field = `events[${other}].siteNumber`;
        throw new ForbiddenError(`${field}: this token may only post events of site ${site}`, [
          { field, message: `this token may only post events of site ${site}` },
        ]);
      }
    }
    // Decided and measured before anything is built: a request past its bounds costs no more than its planning.
    const plan = await this.router.plan(events);
    const siteConnectors = await this.siteQuota.connectorsOf(plan.perConnector);
    const total = Object.values(plan.skipped).reduce((sum, count) => sum + (count ?? 0), 0);
    const receipt: IngestReceipt = { accepted: events.length, routed: plan.messages, skipped: { total, ...plan.skipped } };
    // Looking up and routing may have waited on the store: the same request may have been queued meanwhile.
    const queued = key === undefined ? undefined : this.commits.queuedKey(key);
    if (queued) {
      if (queued.hash !== hash) throw new UnprocessableError('This Idempotency-Key was used for a different request body');
      return this.sameAs(queued);
    }
    // Caps and quotas are checked in the same turn as the submit that counts this request: no other request can
    // pass them on the same room meanwhile.
    const claims = [...this.connectorCap.check(plan.perConnector), ...this.siteQuota.check(plan.perConnector, siteConnectors)];
    // The built messages stay in memory until their group commits: reserved first, released once it settled.
    const earlier = await this.budget.withRouted(client, plan.bytes, () =>
      this.commits.submit({
        routed: this.router.build(plan),
        shares: plan.perConnector,
        idempotency: key === undefined ? undefined : { key, hash, answer: receipt },
        events: events.length,
        acceptedAt: now,
        claims,
        trace,
      }),
    );
    if (earlier) {
      // Another instance committed this key first (the platform retried through another one): its answer stands.
      if (earlier.request_hash !== hash) throw new UnprocessableError('This Idempotency-Key was used for a different request body');
      return { status: earlier.status, receipt: JSON.parse(earlier.response) as IngestReceipt, replayed: true };
    }
    return { status: 202, receipt, replayed: false };
  }

  /** The same request is waiting for its group commit: share its fate (202, or 503 with nothing stored). */
  private async sameAs(queued: { answer: unknown; committed: Promise<StoredAnswer | undefined> }): Promise<IngestAnswer> {
    const earlier = await queued.committed;
    if (earlier) return { status: earlier.status, receipt: JSON.parse(earlier.response) as IngestReceipt, replayed: true };
    return { status: 202, receipt: queued.answer as IngestReceipt, replayed: true };
  }
}
