import type { DeliveryLimits } from '@event-connectors/connector-sdk';
import type { PendingMessage } from '../store/outbox/outbox-store.js';
import type { PartitionOwnership } from '../store/cluster/partition-ownership.js';

/** A call's longest duration when its connector does not say (see DeliveryLimits.maxCallMs). */
export const DEFAULT_MAX_CALL_MS = 5000;

/**
 * The timing rule of a shared store, for one delivery loop: a message goes only while its partition's lease
 * outlasts the connector's longest call plus the margin, so a new owner never sends a profile's earlier message
 * while this instance could still land a later one. Everything goes on SQLite (one instance owns it all).
 */
export class LeaseBudget {
  constructor(
    private readonly ownership: PartitionOwnership,
    private readonly marginMs: number,
  ) {}

  /** The messages whose partitions may take a call of this connector now, in their order. */
  sendable(messages: Iterable<PendingMessage>, limits: DeliveryLimits): Iterable<PendingMessage> {
    if (!this.ownership.shared) return messages;
    // A connector whose calls cannot fit (call-budget-check.ts refuses it at boot) would start none.
    const needMs = (limits.maxCallMs ?? DEFAULT_MAX_CALL_MS) + this.marginMs;
    return [...messages].filter((message) => this.ownership.maySend(message.partition, needMs));
  }
}
