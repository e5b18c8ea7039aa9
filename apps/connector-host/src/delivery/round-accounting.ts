import type { DeliveryOutcome, FailureReason } from '@event-connectors/connector-sdk';
import type { HostConfig } from '../config/host.config.js';
import type { PendingMessage } from '../store/outbox/outbox-store.js';
import { AdaptivePacer } from './adaptive-pacer.js';
import { fullJitterDelay } from './backoff.js';
import type { TraceRow } from './delivery-trace.js';
import type { RoundResult } from './settle-outcomes.js';

/** What an operator wants to know about a loop. */
export interface WorkerStatus {
  lastSuccessAt?: number;
  lastError?: FailureReason & { at: number };
  /** Rounds in a row in which nothing got through. */
  failingRounds: number;
}

/** What a settled round asks of its loop. */
export interface RoundVerdict {
  /** Pause the connector for this reason (the set-up failed round after round). */
  pause?: FailureReason;
  /** Send nothing more for this long (back-off after a round where nothing got through, or throttle pacing). */
  holdMs?: number;
}

/**
 * What a connector's settled rounds mean for its loop: its status for operators, when a broken set-up should
 * pause, and how long to hold off after a round where nothing got through or the destination throttled.
 */
export class RoundAccounting {
  private readonly pacer = new AdaptivePacer();
  private destinationFailureRounds = 0;
  private readonly state: WorkerStatus = { failingRounds: 0 };

  constructor(private readonly config: HostConfig['delivery']) {}

  get status(): Readonly<WorkerStatus> {
    return this.state;
  }

  /** A resumed connector starts counting its set-up failures afresh. */
  resumed(): void {
    this.destinationFailureRounds = 0;
  }

  /** How many set-up failures in a row the current pause decision rests on (for the log). */
  get setUpFailures(): number {
    return this.destinationFailureRounds;
  }

  record(result: RoundResult, batchSize: number, finishedAt: number): RoundVerdict {
    const verdict: RoundVerdict = {};
    if (result.lastFailure) this.state.lastError = { ...result.lastFailure, at: finishedAt };
    this.pacer.record(result.throttled, batchSize);
    if (result.delivered.length > 0) {
      this.state.lastSuccessAt = finishedAt;
      this.state.failingRounds = 0;
      this.destinationFailureRounds = 0;
    } else if (result.destinationFailures === batchSize) {
      // The set-up is broken (credentials, stream gone): after a few rounds, pause instead of burning retries.
      this.destinationFailureRounds++;
      this.state.failingRounds++;
      if (this.destinationFailureRounds >= this.config.pauseAfterFailures && result.lastFailure) verdict.pause = result.lastFailure;
    } else {
      this.state.failingRounds++;
    }
    if (result.delivered.length === 0 && result.retry.length > 0) {
      // Nothing got through: back the whole connector off instead of hammering a destination that is down.
      verdict.holdMs = fullJitterDelay(this.state.failingRounds, this.config.retryBaseMs, this.config.retryMaxMs);
    } else if (this.pacer.delayMs > 0) {
      verdict.holdMs = this.pacer.delayMs;
    }
    return verdict;
  }
}

/** The trace rows of a round: its delivered messages, with their receipts. */
export function deliveredRows(
  connectorId: string,
  batch: readonly PendingMessage[],
  outcomes: readonly DeliveryOutcome[],
  at: number,
): TraceRow[] {
  const rows: TraceRow[] = [];
  batch.forEach((message, index) => {
    const outcome = outcomes[index];
    if (outcome?.status !== 'delivered') return;
    rows.push({
      connectorId,
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
