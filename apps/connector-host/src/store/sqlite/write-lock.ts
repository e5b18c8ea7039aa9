/**
 * Who writes the store next, among the threads of this process (the host's event loop and delivery's thread),
 * over one SharedArrayBuffer (0 free, 1 held). SQLite lets one connection write at a time, and a connection that
 * finds the database locked sleeps in its busy handler, blocking its event loop for 1, 2, 5, 10… ms. The hot
 * writers (intake's group commit, delivery's settlements) wait here instead, without blocking: requests and
 * answers keep arriving meanwhile and join the next group. Other writers rely on SQLite's busy timeout.
 */
export class WriteLock {
  private readonly cell: Int32Array;

  /** `buffer`: the lock of another thread of this process; by default a new one. */
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer);
  }

  /**
   * Runs `work` holding the lock: now if it is free, else as soon as the other thread released it. `work` is
   * synchronous, so the lock is never held across a turn of the event loop.
   */
  whenFree<T>(work: () => T): Promise<T> {
    if (!this.tryAcquire()) return this.acquireLater().then(() => this.holding(work));
    // Held now: run it in this turn (not a microtask later), so nothing else can queue in between.
    return new Promise<T>((resolve) => resolve(this.holding(work)));
  }

  /** The other thread died (holding the lock or not): nobody else can be holding it. */
  reset(): void {
    this.release();
  }

  private tryAcquire(): boolean {
    return Atomics.compareExchange(this.cell, 0, 0, 1) === 0;
  }

  private async acquireLater(): Promise<void> {
    while (!this.tryAcquire()) {
      const waiting = Atomics.waitAsync(this.cell, 0, 1);
      if (waiting.async) await waiting.value;
    }
  }

  private holding<T>(work: () => T): T {
    try {
      return work();
    } finally {
      this.release();
    }
  }

  private release(): void {
    Atomics.store(this.cell, 0, 0);
    Atomics.notify(this.cell, 0);
  }
}
