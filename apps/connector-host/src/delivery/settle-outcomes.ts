import { callTypeOf, categoryOf, type DeliveryOutcome, type FailureReason } from '@event-connectors/connector-sdk';
import type { Settlement } from '../store/outbox/settlement.js';
import type { PendingMessage } from '../store/outbox/outbox-store.js';
import type { Receipt, RoundFacts } from '../store/history/chunk-attempts.js';
import { fullJitterDelay } from './backoff.js';

export interface RetryPolicy {
  retryBaseMs: number;
  retryMaxMs: number;
  maxMessageAgeMs: number;
}

/** A settlement plus what the round says about the destination. */
export interface RoundResult extends Settlement {
  /** Outcomes that asked to slow down. */
  throttled: number;
  /** Outcomes that failed on the set-up rather than on the message. */
  destinationFailures: number;
  /** Outcomes that got no answer in time (a stalled destination, or the call's budget ran out). */
  timedOut: number;
  /** The last failure seen, for status and pause reasons. */
  lastFailure?: FailureReason;
}

/** A call's settlement (see settleOutcomes) with what the message history keeps of the call: when, how long, receipts. */
export function settleCall(
  batch: readonly PendingMessage[],
  outcomes: readonly DeliveryOutcome[],
  startedAt: number,
  policy: RetryPolicy,
): RoundResult & { round: RoundFacts } {
  const finishedAt = Date.now();
  const receipts = new Map<number, Receipt>();
  batch.forEach((message, index) => {
    const outcome = outcomes[index];
    if (outcome?.status === 'delivered' && outcome.receipt) receipts.set(message.seq, outcome.receipt);
  });
  return { ...settleOutcomes(batch, outcomes, finishedAt, policy), round: { at: finishedAt, latencyMs: finishedAt - startedAt, receipts } };
}

/**
 * Turns one outcome per message into what the store does: delivered messages leave; retryable ones, and
 * those refused because of the set-up (credentials, missing stream), are rescheduled alone, never their
 * delivered siblings; rejected messages and those past their maximum age become dead letters.
 */
export function settleOutcomes(
  batch: readonly PendingMessage[],
  outcomes: readonly DeliveryOutcome[],
  now: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RoundResult {
  const removed: number[] = [];
  const result: RoundResult = { delivered: [], removed, retry: [], dead: [], throttled: 0, destinationFailures: 0, timedOut: 0 };
  batch.forEach((message, index) => {
    // A connector that answers fewer outcomes than messages broke its contract: retry the rest, lose nothing.
    const outcome: DeliveryOutcome = outcomes[index] ?? {
      status: 'retryable',
      reason: { code: 'MissingOutcome', message: 'the connector returned no outcome for this message' },
    };
    if (outcome.status === 'delivered') {
      result.delivered.push(message.seq);
      if (callTypeOf(message.body) === 'REMOVED') removed.push(message.seq);
      return;
    }
    const { reason } = outcome;
    const category = categoryOf(reason);
    result.lastFailure = reason;
    if (reason.throttled) result.throttled++;
    if (reason.scope === 'destination') result.destinationFailures++;
    if (reason.timedOut) result.timedOut++;
    if (outcome.status === 'rejected' && reason.scope !== 'destination') {
      result.dead.push({ seq: message.seq, code: reason.code, message: reason.message, category });
    } else if (now - message.accepted_at >= policy.maxMessageAgeMs) {
      result.dead.push({
        seq: message.seq,
        code: 'MaxAgeExceeded',
        message: `undelivered after ${Math.round(policy.maxMessageAgeMs / 1000)} s; last error ${reason.code}: ${reason.message}`,
        category,
      });
    } else {
      // The host's own backoff, but never sooner than the destination asked for.
      const delay = Math.max(
        fullJitterDelay(message.attempts + 1, policy.retryBaseMs, policy.retryMaxMs, random),
        reason.retryAfterMs ?? 0,
      );
      result.retry.push({
        seq: message.seq,
        nextAttemptAt: now + Math.max(1, delay),
        code: reason.code,
        message: reason.message,
        category,
      });
    }
  });
  return result;
}
