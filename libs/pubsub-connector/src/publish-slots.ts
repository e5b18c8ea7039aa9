/**
 * Publishes one set-up may have in flight at once, over its one gRPC channel: past it, a publish waits for a slot
 * (HTTP/2 would queue the stream anyway, against its deadline), and one that gets no slot before its call ends is
 * never started, so nothing is sent after the host stopped waiting for it.
 */
export class PublishSlots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  /** A slot, or false when `until` aborts first (the slot is then not taken). */
  acquire(until: AbortSignal): Promise<boolean> {
    if (until.aborted) return Promise.resolve(false);
    if (this.used < this.size) {
      this.used++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const granted = () => {
        until.removeEventListener('abort', givenUp);
        resolve(true);
      };
      const givenUp = () => {
        const at = this.waiting.indexOf(granted);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(false);
      };
      this.waiting.push(granted);
      until.addEventListener('abort', givenUp, { once: true });
    });
  }

  /** Gives a slot back: to the longest waiting publish, or to the pool. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }

  /** Slots taken now (for tests and metrics). */
  get inUse(): number {
    return this.used;
  }
}
