import { Injectable, Logger } from '@nestjs/common';
import { errorMessage } from '../common/error-message.js';
import { PeriodicJob } from '../common/periodic-job.js';
import { TrafficStatsRepository } from '../store/traffic/traffic-stats.repository.js';
import { STATS_WINDOWS } from './connector-stats.js';
import { windowStart } from './traffic-view.js';

const PURGE_EVERY_MS = 60 * 60_000;
/** The longest window the API answers for: older days are never read. */
const KEPT_DAYS = STATS_WINDOWS[STATS_WINDOWS.length - 1];

/** Forgets the statistics' days past the longest window, at boot and every hour. */
@Injectable()
export class TrafficRetention extends PeriodicJob {
  private readonly logger = new Logger(TrafficRetention.name);

  constructor(private readonly traffic: TrafficStatsRepository) {
    super(PURGE_EVERY_MS);
  }

  protected runOnce(): Promise<number> {
    return this.purge();
  }

  /** Returns how many rows went; a store that is down is tried again next round. */
  async purge(now = Date.now()): Promise<number> {
    try {
      const purged = await this.traffic.deleteBefore(windowStart(KEPT_DAYS, now));
      if (purged > 0) this.logger.log(`forgot ${purged} statistics rows older than ${KEPT_DAYS} days`);
      return purged;
    } catch (error) {
      this.logger.warn(`could not purge old statistics: ${errorMessage(error)}`);
      return 0;
    }
  }
}
