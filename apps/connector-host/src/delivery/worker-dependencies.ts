import type { HostTracing } from '../observability/host-tracing.js';
import type { ConnectorInstance, FailureReason } from '@event-connectors/connector-sdk';
import type { HostConfig } from '../config/host.config.js';
import type { ConnectorRow } from '../store/repositories/connectors.repository.js';
import type { OutboxStore } from '../store/outbox/outbox-store.js';
import type { PartitionOwnership } from '../store/cluster/partition-ownership.js';
import type { CallSlots } from './call-slots.js';
import type { DeadLetterQuota } from './dead-letter-quota.js';
import type { RoundReport } from './delivery-observer.js';
import type { LingerPolicy } from './linger-policy.js';
import type { SettlementBatcher } from './settlement-batcher.js';

/** What one delivery loop works with, handed in by DeliveryService. */
export interface WorkerDependencies {
  outbox: OutboxStore;
  /** Which partitions this instance may send now, and under which lease epochs (all, always, on SQLite). */
  ownership: PartitionOwnership;
  /** Lease time to keep beyond a call's longest duration before it may start. */
  leaseMarginMs: number;
  /** How long a partition lease lasts (a call needing longer can never start). */
  leaseTtlMs: number;
  /** Where rounds' outcomes are written, grouped with other rounds' into one commit. */
  settle: SettlementBatcher;
  /** The host-wide bound on calls in flight, shared by every loop. */
  slots: CallSlots;
  linger: LingerPolicy;
  /** Told about every round (metrics); must not throw. */
  observe: (report: RoundReport) => void;
  instanceFor: (row: ConnectorRow) => ConnectorInstance;
  /** OpenTelemetry: a span per call, when on. */
  tracing: HostTracing;
  /** Whether the connector's site may take no more dead letters (and why). */
  deadLetterQuota: DeadLetterQuota;
  /** Pauses the connector (persisted) after repeated set-up failures. */
  pause: (connectorId: string, reason: FailureReason) => Promise<void>;
  config: HostConfig['delivery'];
}
