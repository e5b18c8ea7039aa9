import { Inject, Injectable, Logger } from '@nestjs/common';
import { errorMessage } from '../common/error-message.js';
import { PeriodicJob } from '../common/periodic-job.js';
import { purgeInBatches } from '../common/purge-in-batches.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { DeadLettersRepository } from '../store/repositories/dead-letters.repository.js';

const PURGE_EVERY_MS = 60 * 60_000;
const BATCH = 5000;

/**
 * Deletes dead letters older than DEAD_LETTER_RETENTION_DAYS, at boot and every hour, a batch per transaction, so
 * a destination that refuses everything cannot fill the disk with them over weeks.
 */
@Injectable()
export class DeadLetterRetention extends PeriodicJob {
  private readonly logger = new Logger(DeadLetterRetention.name);

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly deadLetters: DeadLettersRepository,
  ) {
    super(PURGE_EVERY_MS);
  }

  protected runOnce(): Promise<number> {
    return this.purge();
  }

  /** Returns how many went; a store that is down is tried again next round. */
  async purge(now = Date.now()): Promise<number> {
    const failedBefore = now - this.config.limits.deadLetterRetentionMs;
    let purged = 0;
    try {
      purged = await purgeInBatches(() => this.deadLetters.deleteBatch({ failedBefore }, BATCH));
    } catch (error) {
      this.logger.warn(`could not purge old dead letters: ${errorMessage(error)}`);
    }
    if (purged > 0)
      this.logger.log(`deleted ${purged} dead letters older than ${this.config.limits.deadLetterRetentionMs / 86_400_000} days`);
    return purged;
  }
}
