/**
 * Paces a connector's rounds when the destination throttles: the pause between rounds doubles on every
 * throttled round (multiplicative decrease of the send rate) and halves on every clean one, down to none
 * (recovery), like TCP's congestion control. A round without throttling costs nothing.
 */
export class AdaptivePacer {
  private pauseMs = 0;

  constructor(
    private readonly minPauseMs = 10,
    private readonly maxPauseMs = 5000,
  ) {}

  /** The pause to take before the next round. */
  get delayMs(): number {
    return this.pauseMs;
  }

  record(throttled: number): void {
    if (throttled > 0) this.pauseMs = Math.min(this.maxPauseMs, Math.max(this.minPauseMs, this.pauseMs * 2));
    else this.pauseMs = this.pauseMs / 2 < this.minPauseMs ? 0 : this.pauseMs / 2;
  }
}
