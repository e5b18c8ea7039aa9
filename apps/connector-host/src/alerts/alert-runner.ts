import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { errorMessage } from '../common/error-message.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { ConnectorChanges } from '../setups/connector-changes.js';
import { type ConnectorAlertFacts, AlertStatesRepository } from '../store/alerts/alert-states.repository.js';
import { DeliveryHealthRepository } from '../store/alerts/delivery-health.repository.js';
import { PartitionOwnership } from '../store/cluster/partition-ownership.js';
import { OutboxStore } from '../store/outbox/outbox-store.js';
import { ConnectorsRepository } from '../store/repositories/connectors.repository.js';
import { IdempotencyRepository } from '../store/repositories/idempotency.repository.js';
import { ALERT_CHANNEL_ID } from './alert-channel.js';
import { alertBody } from './alert-message.js';
import { type AlertDecision, nextAlert, windowOf } from './alert-rules.js';

/** The partition whose holder evaluates alerts: one instance of a cluster at a time (every instance on SQLite). */
const EVALUATING_PARTITION = 0;

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
    private readonly health: DeliveryHealthRepository,
    private readonly connectors: ConnectorsRepository,
    private readonly changes: ConnectorChanges,
    private readonly outbox: OutboxStore,
    private readonly idempotency: IdempotencyRepository,
    private readonly ownership: PartitionOwnership,
  ) {}

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
    for (const facts of await this.states.candidates(now - windowMs, windowOf(now, windowMs))) await this.advance(facts, now);
  }

  /**
   * A connector's next decision: one committed before a crash (or by another instance) and not yet recorded comes
   * first, whatever the facts say now; else what the facts call for. Committed (with its alert message, when alerts
   * are sent) before it acts, so acting and recording can always be finished from the store.
   */
  private async advance(facts: ConnectorAlertFacts, now: number): Promise<void> {
    const seq = facts.alerted?.seq ?? 0;
    const key = `alert:${facts.id}:${seq + 1}`;
    const committed = await this.idempotency.lookup(key, now - this.config.idempotencyRetentionMs);
    let decision = committed ? (JSON.parse(committed.response) as AlertDecision) : nextAlert(facts, now, this.config.alerts);
    if (!decision) return;
    if (!committed) decision = await this.commit(facts, decision, key, now);
    if (decision.disable) await this.disable(facts.id);
    if (decision.forgetFailures) await this.health.forgetFailures(facts.id);
    if (!(await this.states.advance(facts.id, seq, decision.change, now)) || !decision.type || committed) return;
    this.logger.warn(
      `${decision.type}: connector ${facts.id} of site ${facts.siteNumber}${this.sending ? '' : ' (not sent: no ALERT_WEBHOOK_URL)'}`,
    );
  }

  /**
   * Commits the decision under its key, with its alert's message when there is one to send, in one transaction; the
   * decision another instance committed under the same key first, if one did.
   */
  private async commit(facts: ConnectorAlertFacts, decision: AlertDecision, key: string, now: number): Promise<AlertDecision> {
    const body = decision.type && this.sending ? alertBody(decision.type, facts, now, decision.details) : undefined;
    const messages = body === undefined ? [] : [{ connectorId: ALERT_CHANNEL_ID, partitionKey: facts.id, sourceId: null, body }];
    const record = { messages, idempotency: { key, hash: 'alert', answer: decision }, acceptedAt: now };
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
