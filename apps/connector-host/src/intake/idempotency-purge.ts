import { Inject, Injectable, Logger } from '@nestjs/common';
import { PeriodicJob } from '../common/periodic-job.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { IdempotencyRepository } from '../store/repositories/idempotency.repository.js';

const PURGE_EVERY_MS = 10 * 60_000;

/** Forgets Idempotency-Keys past their retention, at boot and every ten minutes. */
@Injectable()
export class IdempotencyPurge extends PeriodicJob {
  private readonly logger = new Logger(IdempotencyPurge.name);

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly idempotency: IdempotencyRepository,
  ) {
    super(PURGE_EVERY_MS);
  }

  protected runOnce(): void {
    this.idempotency.purge(Date.now() - this.config.idempotencyRetentionMs).then(
      (purged) => {
        if (purged > 0) this.logger.log(`forgot ${purged} idempotency keys past retention`);
      },
      // The store is down: the next round purges.
      (error: unknown) => this.logger.warn(`could not purge idempotency keys: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
}
