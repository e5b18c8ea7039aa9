import { Injectable, Logger } from '@nestjs/common';
import { errorMessage } from '../common/error-message.js';
import { DeliveryHealthRepository } from '../store/alerts/delivery-health.repository.js';

/** A connector's refusals are written at most this often per instance: a flood of 429s costs no write each. */
const EVERY_MS = 10_000;
/** Connectors remembered at most (a new refusal of a forgotten one writes once more). */
const REMEMBERED = 10_000;

/**
 * Records, for `connector.backlog_capped` (alerts/), that intake refused messages because a connector's backlog was
 * at its cap. Never holds the refusal up: the write runs beside it, and a failed one is only logged.
 */
@Injectable()
export class BacklogCapRefusals {
  private readonly logger = new Logger(BacklogCapRefusals.name);
  private readonly writtenAt = new Map<string, number>();

  constructor(private readonly health: DeliveryHealthRepository) {}

  refused(connectorId: string): void {
    const now = Date.now();
    if (now - (this.writtenAt.get(connectorId) ?? 0) < EVERY_MS) return;
    if (this.writtenAt.size >= REMEMBERED) this.writtenAt.clear();
    this.writtenAt.set(connectorId, now);
    this.health.recordCapped(connectorId, now).catch((error: unknown) => {
      this.writtenAt.delete(connectorId);
      this.logger.warn(`could not record a refusal for connector ${connectorId}'s backlog cap: ${errorMessage(error)}`);
    });
  }
}
