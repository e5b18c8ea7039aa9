import type { FailureReason } from '@event-connectors/connector-sdk';
import type { HostConfig } from '../config/host.config.js';
import { AdaptivePacer } from './adaptive-pacer.js';
import { fullJitterDelay } from './backoff.js';
import type { RoundResult } from './settle-outcomes.js';

/** What an operator wants to know about a loop. */
export interface WorkerStatus {
  lastSuccessAt?: number;
  lastError?: FailureReason & { at: number };
  /** Rounds in a row in which nothing got through. */
  failingRounds: number;
  /**
   * Since when its calls only time out (a destination that takes connections and never answers): the breaker is
   * open, the loop sends one call at a time with a short budget, and pauses if it stays so.
   */
  stalledSince?: number;
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
  /** Calls in a row whose every message timed out. */
  private timedOutCalls = 0;
  private readonly state: WorkerStatus = { failingRounds: 0 };

  constructor(private readonly config: HostConfig['delivery']) {}

  get status(): Readonly<WorkerStatus> {
    return this.state;
  }

  /** A resumed connector starts counting its set-up failures and timeouts afresh. */
  resumed(): void {
    this.destinationFailureRounds = 0;
    this.timedOutCalls = 0;
    this.state.stalledSince = undefined;
  }

  /** Whether the destination counts as stalled now (the breaker is open). */
  get stalled(): boolean {
    return this.state.stalledSince !== undefined;
  }

  /** How many set-up failures in a row the current pause decision rests on (for the log). */
  get setUpFailures(): number {
    return this.destinationFailureRounds;
  }

  /** `schedule`: the connector's retry schedule (its delivery policy's), the host's by default. */
  record(
    result: RoundResult,
    batchSize: number,
    finishedAt: number,
    schedule: { retryBaseMs: number; retryMaxMs: number } = this.config,
  ): RoundVerdict {
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
    this.recordTimeouts(result, batchSize, finishedAt, verdict);
    if (result.delivered.length === 0 && result.retry.length > 0) {
      // Nothing got through: back the whole connector off instead of hammering a destination that is down.
      verdict.holdMs = fullJitterDelay(this.state.failingRounds, schedule.retryBaseMs, schedule.retryMaxMs);
    } else if (this.pacer.delayMs > 0) {
      verdict.holdMs = this.pacer.delayMs;
    }
    return verdict;
  }

  /** The breaker: open after calls that only time out, closed by any call that gets an answer, a pause if it stays open. */
  private recordTimeouts(result: RoundResult, batchSize: number, finishedAt: number, verdict: RoundVerdict): void {
    if (result.timedOut < batchSize) {
      this.timedOutCalls = 0;
      this.state.stalledSince = undefined;
      return;
    }
    this.timedOutCalls++;
    if (this.timedOutCalls >= this.config.stallAfterTimeouts) this.state.stalledSince ??= finishedAt;
    const stalledFor = this.state.stalledSince === undefined ? 0 : finishedAt - this.state.stalledSince;
    if (stalledFor >= this.config.stalledPauseAfterMs && !verdict.pause) {
      verdict.pause = {
        code: 'DestinationStalled',
        message: `no answer within ${this.config.stalledCallBudgetMs} ms for ${Math.round(stalledFor / 1000)} s (${this.timedOutCalls} calls in a row timed out): the destination takes connections but does not answer`,
        scope: 'destination',
        timedOut: true,
      };
    }
  }
}
