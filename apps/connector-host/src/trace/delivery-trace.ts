import { Inject, Injectable } from '@nestjs/common';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import type { MessageFilter } from '../store/message-filter.js';

/** One line of the delivery trace: a message delivered (with the connector's receipt, as it gave it) or skipped (with why). */
export interface TraceRow {
  connectorId: string | null;
  profileId: string;
  sourceId: string;
  status: 'delivered' | 'skipped';
  reason?: string;
  /** Where the destination says the message landed (e.g. Kinesis' shard and sequence number), as the connector reported it. */
  receipt?: Readonly<Record<string, string>>;
  attempts?: number;
  acceptedAt: number;
  at: number;
}

/**
 * What became of recent messages. Delivered and skipped ones live in a bounded ring in memory (the newest
 * TRACE_MAX_ENTRIES, none older than TRACE_RETENTION_MS): writing them to SQLite cost as much as the rest of
 * delivery, and a trace is for looking at what just happened, so it need not outlive a restart. Pending and
 * dead-lettered messages are read from the outbox and the dead letters themselves, which do.
 */
@Injectable()
export class DeliveryTrace {
  readonly enabled: boolean;
  private readonly ring: (TraceRow | undefined)[];
  private next = 0;

  constructor(@Inject(HOST_CONFIG) private readonly config: HostConfig) {
    this.enabled = config.traceRetentionMs > 0 && config.traceMaxEntries > 0;
    this.ring = new Array<TraceRow | undefined>(this.enabled ? config.traceMaxEntries : 0);
  }

  /** Records facts that were just committed. */
  write(rows: readonly TraceRow[]): void {
    if (!this.enabled) return;
    for (const row of rows) {
      this.ring[this.next] = row;
      this.next = (this.next + 1) % this.ring.length;
    }
  }

  /** The newest traced rows matching every given filter, newest first, within the retention. */
  find(filter: MessageFilter, limit: number, now = Date.now()): TraceRow[] {
    const found: TraceRow[] = [];
    const oldest = now - this.config.traceRetentionMs;
    for (let step = 1; step <= this.ring.length && found.length < limit; step++) {
      const row = this.ring[(this.next - step + this.ring.length) % this.ring.length];
      if (!row || row.at < oldest) break;
      if (filter.profileId !== undefined && row.profileId !== filter.profileId) continue;
      if (filter.sourceId !== undefined && row.sourceId !== filter.sourceId) continue;
      if (filter.connectorId !== undefined && row.connectorId !== filter.connectorId) continue;
      found.push(row);
    }
    return found;
  }
}
