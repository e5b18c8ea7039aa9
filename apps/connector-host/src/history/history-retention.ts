import { Inject, Injectable, Logger } from '@nestjs/common';
import { errorMessage } from '../common/error-message.js';
import { PeriodicJob } from '../common/periodic-job.js';
import { purgeInBatches } from '../common/purge-in-batches.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { MessageHistoryRepository } from '../store/history/message-history.repository.js';
import { ReplaysRepository } from '../store/history/replays.repository.js';

const PURGE_EVERY_MS = 10 * 60_000;
/** Chunks (and attempt rows) per statement: each may hold up to 4 MiB of messages. */
const BATCH = 500;

/**
 * Deletes what the message history holds of messages accepted more than MESSAGE_HISTORY_DAYS ago, at boot and every
 * ten minutes, a batch of the oldest rows per statement with a turn of the event loop between: whole rows written
 * once, never updated, so the purge leaves no dead versions of live rows behind (on a cluster, every instance runs
 * it; a batch another instance deleted first is simply gone). Replays that finished as long ago go too: what they
 * requeued has left the history, which their counts are read from.
 */
@Injectable()
export class HistoryRetention extends PeriodicJob {
  private readonly logger = new Logger(HistoryRetention.name);

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly history: MessageHistoryRepository,
    private readonly replays: ReplaysRepository,
  ) {
    super(PURGE_EVERY_MS);
  }

  protected runOnce(): Promise<number> {
    return this.purge();
  }

  /** Returns how many rows went; a store that is down is tried again next round. */
  async purge(now = Date.now()): Promise<number> {
    const keptMs = this.config.limits.messageHistoryMs;
    // With no history kept, what an earlier run of the host kept goes too.
    const acceptedBefore = keptMs > 0 ? now - keptMs : Number.MAX_SAFE_INTEGER;
    let purged = 0;
    try {
      purged = await purgeInBatches(() => this.history.purge(acceptedBefore, BATCH));
      purged += await purgeInBatches(() => this.replays.purgeFinished(acceptedBefore, BATCH));
    } catch (error) {
      this.logger.warn(`could not purge the message history: ${errorMessage(error)}`);
    }
    if (purged > 0) this.logger.log(`deleted ${purged} rows of message history and replays older than ${keptMs / 86_400_000} days`);
    return purged;
  }
}
