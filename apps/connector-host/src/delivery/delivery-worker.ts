import { Logger } from '@nestjs/common';
import type { ConnectorInstance, DeliveryMessage } from '@app/connector-sdk';
import type { HostConfig } from '../config/host.config.js';
import type { ConnectorRow } from '../store/connectors.repository.js';
import type { OutboxRepository, PendingMessage } from '../store/outbox.repository.js';
import { fullJitterDelay } from './backoff.js';
import { selectBatch } from './select-batch.js';
import { settleOutcomes } from './settle-outcomes.js';
import { WakeableSleep } from './wakeable-sleep.js';

/** How many head messages a round looks at: enough to fill a batch past keys that wait on a retry. */
const HEAD_WINDOW_FACTOR = 4;

export interface WorkerDependencies {
  outbox: OutboxRepository;
  instanceFor: (row: ConnectorRow) => ConnectorInstance;
  config: HostConfig['delivery'];
}

/**
 * The delivery loop of one connector: reads its backlog from the store, sends batches within the
 * connector's limits, and writes each message's outcome back. A message leaves the store only once the
 * destination acknowledged it; if the host dies mid-batch, the batch is sent again after the restart.
 */
export class DeliveryWorker {
  private readonly logger: Logger;
  private readonly sleeper = new WakeableSleep();
  private stopping = false;
  private running?: Promise<void>;
  /** Consecutive rounds in which the whole batch failed retryably: the destination is down or throttling. */
  private failedRounds = 0;

  constructor(
    private row: ConnectorRow,
    private readonly deps: WorkerDependencies,
  ) {
    this.logger = new Logger(`Delivery ${row.id}`);
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** New messages or a changed set-up: look at the store now. */
  wake(): void {
    this.sleeper.wake();
  }

  update(row: ConnectorRow): void {
    this.row = row;
    this.wake();
  }

  /** Stops after the batch in flight is settled; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper.wake();
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
    const { config, outbox } = this.deps;
    const instance = this.deps.instanceFor(this.row);
    const limits = instance.limits;
    let now = Date.now();
    let { batch, nextDueAt } = selectBatch(outbox.head(this.row.id, limits.maxBatchMessages * HEAD_WINDOW_FACTOR), now, limits);
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
      ({ batch } = selectBatch(outbox.head(this.row.id, limits.maxBatchMessages * HEAD_WINDOW_FACTOR), now, limits));
      if (batch.length === 0) return;
    }
    const outcomes = await instance.deliver(batch.map(toDeliveryMessage));
    const settlement = settleOutcomes(batch, outcomes, Date.now(), config);
    outbox.settle(settlement);
    for (const dead of settlement.dead) this.logger.warn(`message ${dead.seq} dead-lettered: ${dead.code}: ${dead.message}`);

    if (settlement.retry.length === batch.length) {
      // Nothing got through: back the whole connector off instead of hammering a destination that is down.
      this.failedRounds++;
      const delay = fullJitterDelay(this.failedRounds, config.retryBaseMs, config.retryMaxMs);
      this.logger.warn(`batch of ${batch.length} failed (${settlement.retry[0].code}); pausing ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    } else {
      this.failedRounds = 0;
    }
  }
}

function toDeliveryMessage(message: PendingMessage): DeliveryMessage {
  return { id: String(message.seq), partitionKey: message.partition_key, body: message.body };
}
