import { Injectable } from '@nestjs/common';
import type { Fence } from '../store/outbox/outbox-store.js';
import { OutboxStore } from '../store/outbox/outbox-store.js';
import type { Settlement } from '../store/outbox/settlement.js';

interface Queued {
  connectorId: string;
  settlement: Settlement;
  fence?: Fence;
  resolve: (settled: number) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for settlements: the answers of calls that arrive in the same turn of the event loop (many
 * connectors, several calls each) are written in one transaction at the end of that turn. A loop awaits its
 * settlement before it frees the batch's profiles, so what the store says and what the next batch sees agree.
 */
@Injectable()
export class SettlementBatcher {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(private readonly outbox: OutboxStore) {}

  /**
   * Resolves with how many messages were settled once the transaction holding this settlement committed; `fence`:
   * the partition leases the round was selected under (PostgreSQL).
   */
  settle(connectorId: string, settlement: Settlement, fence?: Fence): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ connectorId, settlement, fence, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** Once intake is not writing (answers arriving meanwhile join this transaction). */
  private flush(): void {
    void this.outbox.whenWritable(() => this.settleQueued());
  }

  private async settleQueued(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    try {
      const settled = await this.outbox.settleAll(batch);
      batch.forEach((queued, index) => queued.resolve(settled[index]));
    } catch (error) {
      // Nothing of the batch was written: its messages stay pending and are sent again (duplicates, never a loss).
      for (const queued of batch) queued.reject(error);
    }
  }
}
