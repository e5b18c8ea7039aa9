/**
 * The host-wide bound on destination calls in flight, granted first come, first served. A loop asks for a slot
 * only when it is about to send and gives it back when the destination answered, so a connector in back-off or
 * paused holds none, and a hot connector (at most its own in-flight bound) queues behind the others again after
 * each call: fair shares across connectors. While a loop waits for a slot its batch keeps filling, which is how
 * batches grow when the host is busy.
 */
export class CallSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  private head = 0;

  constructor(readonly size: number) {
    this.free = size;
  }

  /** Calls in flight now. */
  get inUse(): number {
    return this.size - this.free;
  }

  /** Loops waiting for a slot now. */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    if (this.head < this.waiting.length) {
      const next = this.waiting[this.head++];
      // Compact now and then rather than shift() on every grant (a queue of thousands of loops).
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      next();
      return;
    }
    this.free = Math.min(this.size, this.free + 1);
  }
}
