import { Inject, Injectable } from '@nestjs/common';
import type { FailureReason } from '@event-connectors/connector-sdk';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { DeadLettersRepository } from '../store/repositories/dead-letters.repository.js';

/**
 * How long a site's count is taken as known: it is read only when a connector of it dead-letters something (or a
 * paused one would age messages into dead letters), and a replay or delete elsewhere shows within this long.
 */
const KNOWN_FOR_MS = 5000;

/**
 * SITE_MAX_DEAD_LETTERS and SITE_MAX_DEAD_LETTER_BYTES: a site whose dead letters reached either gets no more. A connector that dead-letters then
 * pauses (its messages kept, its backlog at most its cap), and a paused one's messages stop aging into dead
 * letters, until some are replayed or deleted. A round in flight may add its own (a batch at most) past the count.
 */
@Injectable()
export class DeadLetterQuota {
  private readonly known = new Map<number, { count: number; bytes: number; at: number }>();

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly deadLetters: DeadLettersRepository,
  ) {}

  /** Why the site may take no more dead letters, if it may not: a pause reason. */
  async reached(siteNumber: number, now = Date.now()): Promise<FailureReason | undefined> {
    let entry = this.known.get(siteNumber);
    if (!entry || now - entry.at >= KNOWN_FOR_MS) {
      entry = { ...(await this.deadLetters.usageForSite(siteNumber)), at: now };
      this.known.set(siteNumber, entry);
    }
    const { deadLettersPerSite: max, deadLetterBytesPerSite: maxBytes } = this.config.limits;
    if (entry.count < max && entry.bytes < maxBytes) return undefined;
    const reached = entry.count >= max ? `SITE_MAX_DEAD_LETTERS=${max}` : `SITE_MAX_DEAD_LETTER_BYTES=${maxBytes}`;
    return {
      code: 'DeadLetterQuota',
      message: `site ${siteNumber} holds ${entry.count} dead letters of ${entry.bytes} bytes (${reached}): replay or delete some, then resume`,
      scope: 'destination',
    };
  }
}
