import type { DeliveryOutcome } from '@app/connector-sdk';
import type { PendingMessage, Settlement } from '../store/outbox.repository.js';
import { fullJitterDelay } from './backoff.js';

export interface RetryPolicy {
  retryBaseMs: number;
  retryMaxMs: number;
  maxMessageAgeMs: number;
}

/**
 * Turns one outcome per message into what the store does: delivered messages leave, retryable ones are
 * rescheduled alone (never their delivered siblings), rejected or too old ones become dead letters.
 */
export function settleOutcomes(
  batch: readonly PendingMessage[],
  outcomes: readonly DeliveryOutcome[],
  now: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): Settlement {
  const settlement: Settlement = { delivered: [], retry: [], dead: [] };
  batch.forEach((message, index) => {
    // A connector that answers fewer outcomes than messages broke its contract: retry the rest, lose nothing.
    const outcome: DeliveryOutcome = outcomes[index] ?? {
      status: 'retryable',
      reason: { code: 'MissingOutcome', message: 'the connector returned no outcome for this message' },
    };
    if (outcome.status === 'delivered') {
      settlement.delivered.push(message.seq);
    } else if (outcome.status === 'rejected') {
      settlement.dead.push({ seq: message.seq, ...outcome.reason });
    } else if (now - message.accepted_at >= policy.maxMessageAgeMs) {
      settlement.dead.push({
        seq: message.seq,
        code: 'MaxAgeExceeded',
        message: `undelivered after ${Math.round(policy.maxMessageAgeMs / 1000)} s; last error ${outcome.reason.code}: ${outcome.reason.message}`,
      });
    } else {
      const delay = fullJitterDelay(message.attempts + 1, policy.retryBaseMs, policy.retryMaxMs, random);
      settlement.retry.push({ seq: message.seq, nextAttemptAt: now + Math.max(1, delay), ...outcome.reason });
    }
  });
  return settlement;
}
