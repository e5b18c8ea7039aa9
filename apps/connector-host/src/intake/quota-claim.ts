import type { LimitExceededError } from '../common/domain-errors.js';
import type { BacklogClaim, BacklogHeld } from '../store/outbox/backlog-claim.js';

/**
 * From this share of a bound, a request's fit is verified again by the store at commit: below it, the counts
 * every instance keeps (which trail the others' commits by a notification) leave more room than a cluster can fill
 * meanwhile, and the commit costs no extra read.
 */
export const VERIFIED_FROM = 0.5;

/** A claim on a bound, with the refusal a client gets if the store finds it does not fit. */
export interface QuotaClaim extends BacklogClaim {
  refusal(held: BacklogHeld): LimitExceededError;
}

/** Whether holding `held` and adding `adding` comes near enough to `max` for the store to verify it. */
export function nearBound(held: number, adding: number, max: number): boolean {
  return held + adding > max * VERIFIED_FROM;
}
