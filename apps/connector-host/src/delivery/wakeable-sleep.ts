/** A sleep that `wake()` can cut short: a delivery loop waits on it for new messages or a due retry. */
export class WakeableSleep {
  private pending?: { timer?: NodeJS.Timeout; resolve: () => void };
  private woken = false;

  /** Sleeps up to `ms` (`Infinity`: until woken); returns at once if `wake()` was called since the last sleep. */
  sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      // No timer for an endless sleep: setTimeout would fire an Infinity delay after 1 ms.
      const timer = Number.isFinite(ms) ? setTimeout(() => this.finish(), Math.max(0, ms)) : undefined;
      this.pending = { timer, resolve };
    });
  }

  wake(): void {
    if (this.pending) this.finish();
    else this.woken = true;
  }

  private finish(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.resolve();
  }
}
