import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { IdempotencyRepository } from '../store/idempotency.repository.js';

const PURGE_EVERY_MS = 10 * 60_000;

/** Forgets Idempotency-Keys past their retention, at boot and every ten minutes. */
@Injectable()
export class IdempotencyPurge implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyPurge.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly idempotency: IdempotencyRepository,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => this.purge(), PURGE_EVERY_MS).unref();
    this.purge();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private purge(): void {
    this.idempotency.purge(Date.now() - this.config.idempotencyRetentionMs).then(
      (purged) => {
        if (purged > 0) this.logger.log(`forgot ${purged} idempotency keys past retention`);
      },
      // The store is down: the next round purges.
      (error: unknown) => this.logger.warn(`could not purge idempotency keys: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
}
