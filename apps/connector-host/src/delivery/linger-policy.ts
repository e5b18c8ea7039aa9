import { performance } from 'node:perf_hooks';

/**
 * How long a partial batch may wait for more messages. Waiting trades latency for fewer, fuller calls, and a call
 * costs the host CPU whatever its size, so the linger follows how busy the host is: the configured linger while
 * the event loop has room, rising to the latency budget as it saturates (1,000 small connectors then still send
 * batches, not single records). A connector whose messages arrive further apart than the linger sends at once:
 * waiting would not bring another message.
 */
export class LingerPolicy {
  private pressure = 0;
  private last = performance.eventLoopUtilization();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly baseMs: number,
    private readonly budgetMs: number,
    sampleEveryMs = 250,
  ) {
    this.timer = setInterval(() => this.sample(), sampleEveryMs);
    this.timer.unref();
  }

  /** The linger for a connector whose messages arrive `arrivalGapMs` apart (smoothed; Infinity if unknown). */
  lingerMs(arrivalGapMs: number): number {
    const linger = this.baseMs + (this.budgetMs - this.baseMs) * this.pressure;
    return arrivalGapMs > linger ? 0 : linger;
  }

  /** For tests and operators: 0 (room) to 1 (saturated). */
  get load(): number {
    return this.pressure;
  }

  /** Feeds an event-loop utilisation (0..1) measured over the last interval. */
  observe(utilization: number): void {
    // Below 60% busy there is room for more calls; at 90% and above the budget applies in full.
    const target = Math.min(1, Math.max(0, (utilization - 0.6) / 0.3));
    this.pressure = this.pressure * 0.5 + target * 0.5;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    const now = performance.eventLoopUtilization();
    this.observe(performance.eventLoopUtilization(now, this.last).utilization);
    this.last = now;
  }
}

/**
 * How long a selected batch waits before its call: up to the linger, counted from its oldest message, so a flood
 * fills batches while a trickle leaves at once. Only for arrivals: a full batch, or one that left messages behind
 * (`leftBehind`: their profiles in flight, or waiting on a retry), goes now, since waiting cannot add them, and
 * each of those profiles' next message leaves once this call settles.
 */
export function lingerLeft(
  batch: readonly { accepted_at: number }[],
  maxBatchMessages: number,
  { lingerMs, leftBehind }: { lingerMs: number; leftBehind: number },
  now = Date.now(),
): number {
  if (batch.length === 0 || batch.length >= maxBatchMessages || leftBehind > 0) return 0;
  return Math.max(0, lingerMs - (now - batch[0].accepted_at));
}

/** The smoothed gap between a connector's arrivals; long silences count as at most `capMs`, so it adapts fast. */
export class ArrivalGap {
  private lastAt?: number;
  private smoothed = Infinity;

  constructor(private readonly capMs: number) {}

  get ms(): number {
    return this.smoothed;
  }

  arrived(now: number): void {
    if (this.lastAt !== undefined) {
      const gap = Math.min(this.capMs, now - this.lastAt);
      this.smoothed = Number.isFinite(this.smoothed) ? this.smoothed * 0.7 + gap * 0.3 : gap;
    }
    this.lastAt = now;
  }
}
