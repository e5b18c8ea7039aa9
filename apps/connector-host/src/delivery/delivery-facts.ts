import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { errorMessage } from '../common/error-message.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { factsRefreshMs } from '../config/alerts.config.js';
import { DeliveryHealthRepository, type FailureFact, type SuccessFact } from '../store/alerts/delivery-health.repository.js';
import type { RoundReport } from './delivery-observer.js';

/** What this instance saw of one connector's rounds, and when it last wrote it. */
interface Seen {
  /** Whether its last round got something through; undefined before the first round here. */
  ok?: boolean;
  /** The first round here of its current failure streak. */
  streakStart?: number;
  writtenAt: number;
}

/** Facts wait this long to be written together. */
const FLUSH_DELAY_MS = 200;
/** A flush the store refused is tried again after this. */
const RETRY_DELAY_MS = 1000;

type DeadLetterFact = { connectorId: string; window: number; count: number };

/**
 * Turns delivery rounds into the durable facts alerts are decided on (store/alerts/delivery-health.repository.ts):
 * a connector's first failure after a success (or its first success after failures) is written at once, anything
 * else at most once per refresh, and dead letters are counted per ALERT_WINDOW. Writes are grouped, a statement per
 * kind per flush, never one per message; a flush the store refuses is kept and tried again.
 */
@Injectable()
export class DeliveryFacts implements OnModuleDestroy {
  private readonly logger = new Logger(DeliveryFacts.name);
  private readonly seen = new Map<string, Seen>();
  private successes = new Map<string, SuccessFact>();
  private failures = new Map<string, FailureFact>();
  private deadLetters = new Map<string, DeadLetterFact>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly refreshMs: number;
  private readonly windowMs: number;

  constructor(
    private readonly health: DeliveryHealthRepository,
    @Inject(HOST_CONFIG) config: HostConfig,
  ) {
    this.refreshMs = factsRefreshMs(config.alerts.failingAfterMs);
    this.windowMs = config.alerts.windowMs;
  }

  /** One settled round of a connector. */
  observe({ connector, result, finishedAt }: RoundReport): void {
    const id = connector.id;
    const seen = this.seen.get(id) ?? { writtenAt: 0 };
    this.seen.set(id, seen);
    if (result.dead.length > 0) this.countDeadLetters(id, result.dead.length, finishedAt);
    const stale = finishedAt - seen.writtenAt >= this.refreshMs;
    if (result.delivered.length > 0) {
      // A failure not written yet is over: written after this success, it would start a streak anew.
      this.failures.delete(id);
      if (seen.ok !== true || stale) this.pending(seen, finishedAt, () => this.successes.set(id, { connectorId: id, at: finishedAt }));
      seen.ok = true;
      seen.streakStart = undefined;
    } else if (result.retry.length > 0 || result.destinationFailures > 0) {
      // Messages it could not take now, or a set-up it refuses: the destination is failing. A message refused for
      // itself (a dead letter) is no sign of that: connector.dead_letters counts those.
      seen.streakStart ??= finishedAt;
      const reason = result.lastFailure ?? { code: 'Unknown', message: 'no outcome' };
      const fact = { connectorId: id, streakStart: seen.streakStart, at: finishedAt, code: reason.code, message: reason.message };
      if (seen.ok !== false || stale) this.pending(seen, finishedAt, () => this.failures.set(id, fact));
      seen.ok = false;
    }
  }

  /** Its loop stopped here (disabled, deleted, moved): what it saw is no longer current. */
  forget(connectorId: string): void {
    this.seen.delete(connectorId);
    // Its last rounds' facts are stale too: enabled again, it starts afresh (a late failure would restart a streak).
    this.failures.delete(connectorId);
    this.successes.delete(connectorId);
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private countDeadLetters(connectorId: string, count: number, at: number): void {
    const window = Math.floor(at / this.windowMs) * this.windowMs;
    const key = `${connectorId}:${window}`;
    const counted = this.deadLetters.get(key);
    if (counted) counted.count += count;
    else this.deadLetters.set(key, { connectorId, window, count });
    this.schedule();
  }

  private pending(seen: Seen, at: number, add: () => void): void {
    seen.writtenAt = at;
    add();
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_DELAY_MS).unref();
  }

  private flush(): Promise<void> {
    const written = { successes: this.successes, failures: this.failures, deadLetters: this.deadLetters };
    this.successes = new Map();
    this.failures = new Map();
    this.deadLetters = new Map();
    // In turn: a connector's success is never overtaken by an older failure written by an earlier flush.
    this.flushing = this.flushing.then(async () => {
      try {
        await this.health.recordSuccesses([...written.successes.values()]);
        await this.health.recordFailures([...written.failures.values()]);
        const deadLetters = [...written.deadLetters.values()];
        // One statement per window (a connector once per statement): a flush spans two windows only at a boundary.
        for (const window of new Set(deadLetters.map((fact) => fact.window)))
          await this.health.recordDeadLetters(deadLetters.filter((fact) => fact.window === window));
      } catch (error) {
        // The store is down: kept for the next flush (written again whole: every write here may be repeated), under
        // what newer rounds found meanwhile.
        this.logger.warn(`could not record delivery facts, trying again: ${errorMessage(error)}`);
        this.requeue(written);
      }
    });
    return this.flushing;
  }

  private requeue(written: {
    successes: Map<string, SuccessFact>;
    failures: Map<string, FailureFact>;
    deadLetters: Map<string, DeadLetterFact>;
  }): void {
    for (const [id, fact] of written.successes) if (!this.successes.has(id)) this.successes.set(id, fact);
    for (const [id, fact] of written.failures) if (!this.failures.has(id) && !this.successes.has(id)) this.failures.set(id, fact);
    for (const [key, fact] of written.deadLetters) {
      const newer = this.deadLetters.get(key);
      if (newer) newer.count += fact.count;
      else this.deadLetters.set(key, fact);
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, RETRY_DELAY_MS).unref();
  }
}
