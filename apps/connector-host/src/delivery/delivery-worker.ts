import { Logger } from '@nestjs/common';
import { errorMessage } from '../common/error-message.js';
import type { ConnectorInstance, DeliveryLimits } from '@event-connectors/connector-sdk';
import type { ConnectorRow } from '../store/repositories/connectors.repository.js';
import type { Fence, PendingMessage } from '../store/outbox/outbox-store.js';
import { LeaseBudget } from './lease-budget.js';
import { ArrivalGap, lingerLeft } from './linger-policy.js';
import { RoundAccounting, type WorkerStatus } from './round-accounting.js';
import { type BatchSelection, firstOfEachProfile, selectBatch, toDeliveryMessage } from './select-batch.js';
import { type RoundResult, settleCall } from './settle-outcomes.js';
import { withDeliverySpan } from './delivery-spans.js';
import { type EffectiveDeliveryPolicy, effectiveDeliveryPolicy, limitsUnder } from '../setups/delivery-policy.js';
import { deliverWithinBudget } from './budgeted-call.js';
import { WakeableSleep } from './wakeable-sleep.js';
import type { WorkerDependencies } from './worker-dependencies.js';

/** How far past the head a selection looks for due messages, in batches (plus one per call in flight). */
const SCAN_PAGES = 8;

/**
 * The delivery loop of one connector: reads its backlog from the store, sends batches within the connector's
 * limits (up to `maxInFlight` calls at once, never two batches with the same profile in flight), and writes
 * each message's outcome back. A profile's next message is selected only once its previous one is settled, so
 * per-profile order holds under overlap, retries and partial failures. A message leaves the store only once the
 * destination acknowledged it; if the host dies mid-call, the batch is sent again after the restart.
 */
export class DeliveryWorker {
  private readonly logger: Logger;
  /** Waits for something to do: new messages, a settled call, a due retry, a set-up change or stop. */
  private readonly sleeper = new WakeableSleep();
  /**
   * Back-off and linger waits: ended only by stop, so new messages cannot make the loop hammer a failing
   * destination, and a stop never waits out a linger.
   */
  private readonly backoff = new WakeableSleep();
  private readonly accounting: RoundAccounting;
  private readonly arrivals: ArrivalGap;
  private readonly calls = new Set<Promise<void>>();
  /** Profiles with a message in flight: none of their messages is selected until that call is settled. */
  private readonly keysInFlight = new Set<string>();
  private messagesInFlight = 0;
  /** The set-up version the calls in flight use: a changed set-up waits for them before opening anew. */
  private callsVersion?: number;
  private backoffUntil = 0;
  private readonly budget: LeaseBudget;
  /** The tenant's delivery policy within the host's bounds, resolved with each version of the row. */
  private policy: EffectiveDeliveryPolicy;
  private stopping = false;
  private running?: Promise<void>;

  constructor(
    private row: ConnectorRow,
    private readonly deps: WorkerDependencies,
  ) {
    this.logger = new Logger(`Delivery ${row.id}`);
    this.arrivals = new ArrivalGap(deps.config.maxLingerMs * 2);
    this.accounting = new RoundAccounting(deps.config);
    this.budget = new LeaseBudget(deps.ownership, deps.leaseMarginMs);
    this.policy = effectiveDeliveryPolicy(row.delivery_policy, deps.config);
  }

  get status(): Readonly<WorkerStatus> {
    return this.accounting.status;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** A set-up change, a replay or a settled call: look at the store now. */
  wake(): void {
    this.sleeper.wake();
  }

  /** New messages were committed for this connector. */
  arrived(): void {
    this.arrivals.arrived(Date.now());
    this.sleeper.wake();
  }

  update(row: ConnectorRow): void {
    if (this.row.paused_reason && !row.paused_reason) this.accounting.resumed();
    this.row = row;
    this.policy = effectiveDeliveryPolicy(row.delivery_policy, this.deps.config);
    this.wake();
  }

  /** Stops after the calls in flight are settled; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper.wake();
    this.backoff.wake();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.dispatch();
      } catch (error) {
        // The store or the set-up failed, not a message: log, wait, try again; nothing is lost.
        this.logger.error(`delivery round failed: ${errorMessage(error)}`);
        await this.sleeper.sleep(this.deps.config.idlePollMs);
      }
    }
    await Promise.allSettled([...this.calls]);
  }

  /** Starts at most one call, or waits for the reason it cannot. */
  private async dispatch(): Promise<void> {
    const { config, outbox } = this.deps;
    // Full, or nothing stored here that is not in flight: a settled call or new messages wake the loop (an idle
    // connector costs no query, timer or client). A stalled destination gets one call at a time.
    const maxInFlight = this.accounting.stalled ? 1 : this.policy.maxInFlight;
    if (this.calls.size >= maxInFlight || outbox.deliverableCount(this.row.id) - this.messagesInFlight <= 0) {
      await this.sleeper.sleep(Infinity);
      return;
    }
    if (this.row.paused_reason) {
      // Paused: keep everything, but what outlives its maximum age still becomes a dead letter.
      if (this.calls.size === 0 && !(await this.deps.deadLetterQuota.reached(this.row.site_number)))
        await outbox.expire(this.row.id, Date.now() - this.policy.maxMessageAgeMs);
      await this.sleeper.sleep(config.idlePollMs);
      return;
    }
    const backoffLeft = this.backoffUntil - Date.now();
    if (backoffLeft > 0) {
      await this.backoff.sleep(backoffLeft);
      return;
    }
    if (this.calls.size > 0 && this.callsVersion !== this.row.updated_at) {
      // The set-up changed: opening it anew closes the instance the calls in flight use. Let them finish first.
      await this.sleeper.sleep(Infinity);
      return;
    }
    const instance = this.deps.instanceFor(this.row);
    const version = this.row.updated_at;
    const limits = limitsUnder(instance.limits, this.policy);
    const pageSize = instance.limits.maxBatchMessages; // a tenant's smaller batches still look as far ahead
    let selection = await this.select(limits, pageSize);
    if (selection.batch.length === 0) {
      await this.sleepUntilDue(selection);
      return;
    }
    let waited = false;
    const lingerMs = lingerLeft(selection.batch, limits.maxBatchMessages, {
      lingerMs: this.deps.linger.lingerMs(this.arrivals.ms),
      leftBehind: outbox.deliverableCount(this.row.id) - this.messagesInFlight - selection.batch.length,
    });
    if (lingerMs > 0) {
      // Ended early only by stop: new arrivals join when it ends.
      await this.backoff.sleep(lingerMs);
      waited = true;
    }
    if (this.deps.slots.queued > 0 || this.deps.slots.inUse >= this.deps.slots.size) waited = true;
    await this.deps.slots.acquire(this.row.site_number);
    let launched = false;
    try {
      // Whatever arrived while waiting for the linger or a slot goes too.
      // The set-up changed while waiting: its instance is being replaced; the next dispatch opens the new one.
      if (this.stopping || this.row.updated_at !== version) return;
      if (waited) selection = await this.select(limits, pageSize);
      if (this.stopping || this.row.updated_at !== version || selection.batch.length === 0) return;
      launched = this.launch(instance, selection.batch, limits);
    } finally {
      if (!launched) this.deps.slots.release(this.row.site_number);
    }
  }

  /** Starts the call (holding the slot taken for it); false when nothing of the selection may go now. */
  private launch(instance: ConnectorInstance, selected: PendingMessage[], limits: DeliveryLimits): boolean {
    const { ownership } = this.deps;
    // Checked again now, with the call counted in the same turn: a partition given up (or lapsing) since the
    // selection is not sent, and the lease keeper never gives back a partition with a call being prepared.
    const batch = [...this.budget.sendable(selected, limits)];
    if (batch.length === 0) return false;
    const partitions = [...new Set(batch.map((message) => message.partition))];
    const fence = ownership.fenceFor(partitions);
    ownership.callStarted(partitions);
    for (const message of batch) this.keysInFlight.add(message.partition_key);
    this.messagesInFlight += batch.length;
    this.callsVersion = this.row.updated_at;
    const call: Promise<void> = withDeliverySpan(this.deps.tracing, this.row, batch, () => this.call(instance, batch, fence))
      .catch((error: unknown) => {
        // The store failed to record the outcome: the batch stays pending and goes again (a duplicate, not a loss).
        this.logger.error(`delivery round failed: ${errorMessage(error)}`);
        this.backoffUntil = Date.now() + this.deps.config.idlePollMs;
      })
      .finally(() => {
        ownership.callEnded(partitions);
        for (const message of batch) this.keysInFlight.delete(message.partition_key);
        this.messagesInFlight -= batch.length;
        this.calls.delete(call);
        this.sleeper.wake();
      });
    this.calls.add(call);
    return true;
  }

  /** One call: send, settle (the profiles stay held until the settlement is committed), account. */
  private async call(instance: ConnectorInstance, batch: PendingMessage[], fence: Fence | undefined): Promise<RoundResult> {
    const { config } = this.deps;
    const row = this.row;
    const startedAt = Date.now();
    // The host's budget for the call, short while the destination is stalled: a call that gets no answer gives its
    // slot back then, and its messages go again later.
    const budgetMs = this.accounting.stalled ? config.stalledCallBudgetMs : config.callBudgetMs;
    const release = () => this.deps.slots.release(row.site_number);
    const overdue = () => this.logger.warn(`a call outlived its ${budgetMs} ms budget (its connector ignores the signal): slot given back`);
    const outcomes = await deliverWithinBudget(instance, batch.map(toDeliveryMessage), budgetMs, release, overdue);
    const result = settleCall(batch, outcomes, startedAt, this.policy);
    const finishedAt = result.round.at;
    await this.deps.settle.settle(row.id, result, fence);
    this.deps.observe({ connector: row, batch, outcomes, result, latencyMs: finishedAt - startedAt, finishedAt });
    for (const dead of result.dead) this.logger.warn(`message ${dead.seq} dead-lettered: ${dead.code}: ${dead.message}`);
    const verdict = this.accounting.record(result, batch.length, finishedAt, this.policy);
    // A site at its dead-letter quota takes no more: this connector keeps its messages, paused, until some go.
    if (result.dead.length > 0 && !verdict.pause) verdict.pause = await this.deps.deadLetterQuota.reached(row.site_number);
    if (verdict.pause && !this.row.paused_reason) {
      this.logger.warn(`pausing: ${verdict.pause.code}`);
      await this.deps.pause(row.id, verdict.pause);
      return result;
    }
    if (verdict.holdMs !== undefined) this.backoffUntil = Math.max(this.backoffUntil, Date.now() + verdict.holdMs);
    return result;
  }

  /**
   * The next batch from the head of the backlog. Sharing a store, only messages of partitions whose lease outlasts
   * the call (with a margin) go: an instance that cannot renew stops sending before its lease can lapse, so a new
   * owner never sends a profile's earlier message while this one could still land a later one.
   */
  private async select(limits: DeliveryLimits, pageSize: number): Promise<BatchSelection> {
    const { outbox, ownership } = this.deps;
    // SQLite reads the head synchronously, within this turn. PostgreSQL reads it over several awaits, during which
    // calls may settle: the profiles in flight are fixed as of now, so a profile whose call settles mid-read
    // is skipped whole, not from the middle of its backlog on (which would send a later message first).
    const inFlight = ownership.shared ? new Set(this.keysInFlight) : this.keysInFlight;
    const head = await outbox.head(this.row.id, pageSize, SCAN_PAGES + this.calls.size, firstOfEachProfile(inFlight));
    return selectBatch(this.budget.sendable(head, limits), Date.now(), limits);
  }

  /** Nothing selectable: every stored message waits on a retry or on its profile's call in flight. */
  private async sleepUntilDue({ nextDueAt }: BatchSelection): Promise<void> {
    const { idlePollMs } = this.deps.config;
    // A call in flight wakes the loop when it settles; a due retry needs the timer.
    const untilDue = nextDueAt === undefined ? idlePollMs : Math.min(nextDueAt - Date.now(), idlePollMs);
    await this.sleeper.sleep(this.calls.size > 0 && nextDueAt === undefined ? Infinity : untilDue);
  }
}
