import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { errorMessage } from '../common/error-message.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { ConnectorChanges } from '../setups/connector-changes.js';
import { type ConnectorAlertFacts, AlertStatesRepository } from '../store/alerts/alert-states.repository.js';
import { PartitionOwnership } from '../store/cluster/partition-ownership.js';
import { OutboxStore } from '../store/outbox/outbox-store.js';
import { ConnectorsRepository } from '../store/repositories/connectors.repository.js';
import { IdempotencyRepository, type StoredAnswer } from '../store/repositories/idempotency.repository.js';
import { effectiveDeliveryPolicy } from '../setups/delivery-policy.js';
import { ALERT_CHANNEL_ID } from './alert-channel.js';
import { alertBody } from './alert-message.js';
import { type AlertDecision, type AlertRules, nextAlert, windowOf } from './alert-rules.js';

/** The partition whose holder evaluates alerts: one instance of a cluster at a time (every instance on SQLite). */
const EVALUATING_PARTITION = 0;
/** Connectors whose committed decisions are looked up together. */
const PAGE = 500;

/** The key a connector's next decision is committed under: its n-th, n one past what its record holds. */
const keyOf = (facts: ConnectorAlertFacts) => `alert:${facts.id}:${(facts.alerted?.seq ?? 0) + 1}`;

/**
 * Decides and sends alerts: every ALERT_CHECK_INTERVAL, the instance holding partition 0 reads the facts of the
 * connectors something may be wrong with (alert-rules.ts decides) and, for each alert, commits its message to the
 * alert channel under the idempotency key `alert:<connector>:<n>` (its n-th alert), then records it. A crash between
 * the two, or two instances during a lease hand-over, find the key taken and record what it holds: each state
 * change is alerted once, and delivered at least once by the outbox.
 */
@Injectable()
export class AlertRunner implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AlertRunner.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly states: AlertStatesRepository,
    private readonly connectors: ConnectorsRepository,
    private readonly changes: ConnectorChanges,
    private readonly outbox: OutboxStore,
    private readonly idempotency: IdempotencyRepository,
    private readonly ownership: PartitionOwnership,
  ) {}

  /** The rules for one connector: its retries may wait as long as its delivery policy says. */
  private rulesFor(facts: ConnectorAlertFacts): AlertRules {
    return { ...this.config.alerts, retryMaxMs: effectiveDeliveryPolicy(facts.deliveryPolicy, this.config.delivery).retryMaxMs };
  }

  /** Whether alerts are sent (else only recorded and logged). */
  private get sending(): boolean {
    return this.config.alerts.url !== undefined;
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.evaluate(), this.config.alerts.checkEveryMs).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One look at every connector that may need an alert (one at a time: a slow store never stacks looks up). */
  evaluate(now = Date.now()): Promise<void> {
    if (this.running || !this.ownership.holds(EVALUATING_PARTITION)) return this.running ?? Promise.resolve();
    this.running = this.evaluateAll(now)
      .catch((error: unknown) => this.logger.error(`alerts: ${errorMessage(error)}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async evaluateAll(now: number): Promise<void> {
    const { windowMs } = this.config.alerts;
    const candidates = await this.states.candidates({
      cappedSince: now - windowMs,
      deadWindowFrom: windowOf(now, windowMs) - windowMs,
      deadLetters: this.config.alerts.deadLetters,
    });
    for (let start = 0; start < candidates.length; start += PAGE) {
      const page = candidates.slice(start, start + PAGE);
      const committed = await this.idempotency.lookupMany(
        page.map((facts) => keyOf(facts)),
        now - this.config.idempotencyRetentionMs,
      );
      for (const facts of page) await this.advance(facts, committed.get(keyOf(facts)), now);
    }
  }

  /**
   * A connector's next decision: one committed before a crash (or by another instance) and not yet recorded comes
   * first, whatever the facts say now; else what the facts call for, committed (with its alert's message, when alerts
   * are sent) before anything is done. Recorded next, over the record as read: only the instance whose record holds
   * acts on it (disables), so a stale look never repeats an old decision's act.
   */
  private async advance(facts: ConnectorAlertFacts, committed: StoredAnswer | undefined, now: number): Promise<void> {
    const seq = facts.alerted?.seq ?? 0;
    let decision = committed ? (JSON.parse(committed.response) as AlertDecision) : nextAlert(facts, now, this.rulesFor(facts));
    if (!decision) return;
    if (!committed) decision = await this.commit(facts, decision, now);
    if (!(await this.states.advance(facts.id, seq, decision.change, now))) return;
    if (decision.disable) await this.disable(facts.id);
    if (decision.type && !committed)
      this.logger.warn(
        `${decision.type}: connector ${facts.id} of site ${facts.siteNumber}${this.sending ? '' : ' (not sent: no ALERT_WEBHOOK_URL)'}`,
      );
  }

  /**
   * Commits the decision under its key, with its alert's message when there is one to send, in one transaction; the
   * decision another instance committed under the same key first, if one did.
   */
  private async commit(facts: ConnectorAlertFacts, decision: AlertDecision, now: number): Promise<AlertDecision> {
    const body = decision.type && this.sending ? alertBody(decision.type, facts, now, decision.details) : undefined;
    const messages = body === undefined ? [] : [{ connectorId: ALERT_CHANNEL_ID, partitionKey: facts.id, sourceId: null, body }];
    const record = { messages, idempotency: { key: keyOf(facts), hash: 'alert', answer: decision }, acceptedAt: now };
    const result = await this.outbox.whenWritable(() => this.outbox.commitGroup([record]));
    this.outbox.committed(result.appended);
    const other = result.earlier.get(0);
    return other ? (JSON.parse(other.response) as AlertDecision) : decision;
  }

  /** AUTO_DISABLE_AFTER: the connector stops delivering, its backlog kept, until its tenant enables it again. */
  private async disable(connectorId: string): Promise<void> {
    const row = await this.connectors.get(connectorId);
    if (!row || row.enabled !== 1) return;
    await this.connectors.update(connectorId, { enabled: 0, updated_at: Math.max(Date.now(), row.updated_at + 1) });
    this.changes.changed(connectorId);
  }
}
