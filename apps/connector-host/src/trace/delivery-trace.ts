import { Inject, Injectable } from '@nestjs/common';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import type { MessageFilter } from '../store/message-filter.js';

/** One line of the trace: a message intake did not make (no binding, no partner id, …), with why. */
export interface TraceRow {
  connectorId: string | null;
  profileId: string;
  sourceId: string;
  status: 'skipped';
  reason: string;
  acceptedAt: number;
  at: number;
}

/**
 * What intake skipped recently, in a bounded ring in memory (the newest TRACE_MAX_ENTRIES, none older than
 * TRACE_RETENTION_MS) on the instance that took the request: a skip is no message, so it has no place in the
 * store's message history (which keeps every message made, with its attempts) and need not outlive a restart.
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
