import { Logger } from '@nestjs/common';
import type { ConnectorInstance, DeliveryMessage, DeliveryOutcome, FailureReason } from '@event-connectors/connector-sdk';
import type { HostConfig } from '../config/host.config.js';
import type { ConnectorRow } from '../store/connectors.repository.js';
import type { OutboxSettlements } from '../store/outbox/outbox-settlements.js';
import type { OutboxRepository, PendingMessage } from '../store/outbox/outbox.repository.js';
import type { DeliveryTrace, TraceRow } from './delivery-trace.js';
import { AdaptivePacer } from './adaptive-pacer.js';
import { fullJitterDelay } from './backoff.js';
import { selectBatch } from './select-batch.js';
import { type RoundResult, settleOutcomes } from './settle-outcomes.js';
import { WakeableSleep } from './wakeable-sleep.js';

/** How far past the head a round looks for due messages, in batches: bounds the work of a round. */
const SCAN_PAGES = 8;

/** One delivery round, as metrics see it. */
export interface RoundReport {
  connector: ConnectorRow;
  batch: readonly PendingMessage[];
  outcomes: readonly DeliveryOutcome[];
  result: RoundResult;
  latencyMs: number;
  finishedAt: number;
}

export interface WorkerDependencies {
  outbox: OutboxRepository;
  settlements: OutboxSettlements;
  /** Told about every round (metrics); must not throw. */
  observe: (report: RoundReport) => void;
  /** Where delivered messages are recorded, with their receipts. */
  trace: DeliveryTrace;
  instanceFor: (row: ConnectorRow) => ConnectorInstance;
  /** Pauses the connector (persisted) after repeated set-up failures. */
  pause: (connectorId: string, reason: FailureReason) => Promise<void>;
  config: HostConfig['delivery'];
}

/** What an operator wants to know about a loop. */
export interface WorkerStatus {
  lastSuccessAt?: number;
  lastError?: FailureReason & { at: number };
  /** Rounds in a row in which nothing got through. */
  failingRounds: number;
}

/**
 * The delivery loop of one connector: reads its backlog from the store, sends batches within the
 * connector's limits, and writes each message's outcome back. A message leaves the store only once the
 * destination acknowledged it; if the host dies mid-batch, the batch is sent again after the restart.
 */
export class DeliveryWorker {
  private readonly logger: Logger;
  /** Idle waits: ended by new messages, a due retry, a set-up change or stop. */
  private readonly sleeper = new WakeableSleep();
  /** Back-off waits: ended only by stop, so new messages cannot make the loop hammer a failing destination. */
  private readonly backoff = new WakeableSleep();
  private readonly pacer = new AdaptivePacer();
  private stopping = false;
  private running?: Promise<void>;
  private destinationFailureRounds = 0;
  private readonly state: WorkerStatus = { failingRounds: 0 };

  constructor(
    private row: ConnectorRow,
    private readonly deps: WorkerDependencies,
  ) {
    this.logger = new Logger(`Delivery ${row.id}`);
  }

  get status(): Readonly<WorkerStatus> {
    return this.state;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** New messages or a changed set-up: look at the store now. */
  wake(): void {
    this.sleeper.wake();
  }

  update(row: ConnectorRow): void {
    if (this.row.paused_reason && !row.paused_reason) this.destinationFailureRounds = 0;
    this.row = row;
    this.wake();
  }

  /** Stops after the batch in flight is settled; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper.wake();
    this.backoff.wake();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.round();
      } catch (error) {
        // The store or the set-up failed, not a message: log, wait, try again; nothing is lost.
        this.logger.error(`delivery round failed: ${error instanceof Error ? error.message : String(error)}`);
        await this.sleeper.sleep(this.deps.config.idlePollMs);
      }
    }
  }

  private async round(): Promise<void> {
    const { config, settlements, trace } = this.deps;
    if (this.deps.outbox.pendingCount(this.row.id) === 0) {
      // Nothing stored: sleep until new messages, a replay, a set-up change or stop wake the loop. An idle
      // connector costs no query, no timer and no open client.
      await this.sleeper.sleep(Infinity);
      return;
    }
    if (this.row.paused_reason) {
      // Paused: keep everything, but what outlives its maximum age still becomes a dead letter.
      settlements.expire(this.row.id, Date.now() - config.maxMessageAgeMs);
      await this.sleeper.sleep(config.idlePollMs);
      return;
    }
    const instance = this.deps.instanceFor(this.row);
    const limits = instance.limits;
    let now = Date.now();
    const selection = selectBatch(this.scan(limits.maxBatchMessages), now, limits);
    const { nextDueAt } = selection;
    let { batch } = selection;
    if (batch.length === 0) {
      await this.sleeper.sleep(nextDueAt === undefined ? config.idlePollMs : Math.min(nextDueAt - now, config.idlePollMs));
      return;
    }
    // A partial batch waits up to the linger, counted from its oldest message, so a flood fills batches
    // while a trickle still leaves within the linger.
    const lingerLeft = config.lingerMs - (now - batch[0].accepted_at);
    if (batch.length < limits.maxBatchMessages && lingerLeft > 0 && !this.stopping) {
      await new Promise((resolve) => setTimeout(resolve, lingerLeft));
      now = Date.now();
      ({ batch } = selectBatch(this.scan(limits.maxBatchMessages), now, limits));
      if (batch.length === 0) return;
    }

    const startedAt = Date.now();
    const outcomes = await instance.deliver(batch.map(toDeliveryMessage));
    const finishedAt = Date.now();
    const result = settleOutcomes(batch, outcomes, finishedAt, config);
    settlements.settleFor(this.row.id, result);
    if (trace.enabled) trace.write(this.traceOf(batch, outcomes, finishedAt));
    this.deps.observe({ connector: this.row, batch, outcomes, result, latencyMs: finishedAt - startedAt, finishedAt });
    for (const dead of result.dead) this.logger.warn(`message ${dead.seq} dead-lettered: ${dead.code}: ${dead.message}`);
    if (result.lastFailure) this.state.lastError = { ...result.lastFailure, at: finishedAt };
    this.pacer.record(result.throttled, batch.length);

    if (result.delivered.length > 0) {
      this.state.lastSuccessAt = finishedAt;
      this.state.failingRounds = 0;
      this.destinationFailureRounds = 0;
    } else if (result.destinationFailures === batch.length) {
      // The set-up is broken (credentials, stream gone): after a few rounds, pause instead of burning retries.
      this.destinationFailureRounds++;
      this.state.failingRounds++;
      if (this.destinationFailureRounds >= config.pauseAfterFailures && result.lastFailure) {
        this.logger.warn(`pausing after ${this.destinationFailureRounds} rounds failing with ${result.lastFailure.code}`);
        await this.deps.pause(this.row.id, result.lastFailure);
        return;
      }
    } else {
      this.state.failingRounds++;
    }
    if (result.delivered.length === 0 && result.retry.length > 0) {
      // Nothing got through: back the whole connector off instead of hammering a destination that is down.
      const delay = fullJitterDelay(this.state.failingRounds, config.retryBaseMs, config.retryMaxMs);
      await this.backoff.sleep(delay);
    } else if (this.pacer.delayMs > 0) {
      await this.backoff.sleep(this.pacer.delayMs);
    }
  }

  private traceOf(batch: readonly PendingMessage[], outcomes: readonly DeliveryOutcome[], at: number): TraceRow[] {
    const rows: TraceRow[] = [];
    batch.forEach((message, index) => {
      const outcome = outcomes[index];
      if (outcome?.status !== 'delivered') return;
      rows.push({
        connectorId: this.row.id,
        profileId: message.partition_key,
        sourceId: message.source_id ?? '',
        status: 'delivered',
        receipt: outcome.receipt,
        attempts: message.attempts + 1,
        acceptedAt: message.accepted_at,
        at,
      });
    });
    return rows;
  }

  /** The backlog from its head, page by page, read lazily: a round stops reading once its batch is full. */
  private *scan(pageSize: number): Generator<PendingMessage> {
    let after = 0;
    for (let page = 0; page < SCAN_PAGES; page++) {
      const rows = this.deps.outbox.page(this.row.id, after, pageSize);
      yield* rows;
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1].seq;
    }
  }
}

function toDeliveryMessage(message: PendingMessage): DeliveryMessage {
  return { id: String(message.seq), partitionKey: message.partition_key, body: message.body };
}
