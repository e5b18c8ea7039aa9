import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';

/**
 * Work that runs at boot and then every `everyMs` for the host's life (the store's retention purges): the timer
 * is unref'd, so it never keeps a stopping process alive, and cleared when the module stops.
 */
export abstract class PeriodicJob implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  protected constructor(private readonly everyMs: number) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.runOnce(), this.everyMs).unref();
    void this.runOnce();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One run; it handles its own failures (a store that is down is tried again next time). */
  protected abstract runOnce(): Promise<unknown> | void;
}
