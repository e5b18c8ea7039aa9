/**
 * Paces a connector's rounds when the destination throttles: the pause between rounds doubles on every
 * round where a large share of the records was throttled (multiplicative decrease of the send rate) and
 * halves on every other one, down to none (recovery), like TCP's congestion control. A few throttled
 * entries are left to their own per-message backoff: slowing everything for them would starve the rest.
 */
export class AdaptivePacer {
  private pauseMs = 0;

  constructor(
    private readonly minPauseMs = 10,
    private readonly maxPauseMs = 2000,
    /** Share of a round's records that must be throttled before the whole connector slows down. */
    private readonly threshold = 0.2,
  ) {}

  /** The pause to take before the next round. */
  get delayMs(): number {
    return this.pauseMs;
  }

  record(throttled: number, total: number): void {
    if (total > 0 && throttled / total > this.threshold)
      this.pauseMs = Math.min(this.maxPauseMs, Math.max(this.minPauseMs, this.pauseMs * 2));
    else this.pauseMs = this.pauseMs / 2 < this.minPauseMs ? 0 : this.pauseMs / 2;
  }
}
