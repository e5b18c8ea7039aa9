import { HostTracing } from '../observability/host-tracing.js';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConnectorRegistry, type FailureReason } from '@event-connectors/connector-sdk';
import { Subscription } from 'rxjs';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { ConnectorChanges } from '../setups/connector-changes.js';
import { ConnectorInstancesService } from '../setups/connector-instances.service.js';
import { ConnectorsRepository } from '../store/repositories/connectors.repository.js';
import { OutboxStore } from '../store/outbox/outbox-store.js';
import { PartitionOwnership } from '../store/cluster/partition-ownership.js';
import { DeliveryObserver } from './delivery-observer.js';
import { DeliveryFacts } from './delivery-facts.js';
import { DeliveryWorker } from './delivery-worker.js';
import { type LoopStatus, loopStatusOf } from './delivery-control.js';
import { CallSlots } from './call-slots.js';
import { DeadLetterQuota } from './dead-letter-quota.js';
import { LingerPolicy } from './linger-policy.js';
import { SettlementBatcher } from './settlement-batcher.js';

/**
 * Runs one delivery loop per enabled connector, and starts, updates or stops them as set-ups change. The loops
 * share the host-wide call slots (fair shares), the linger policy (batches fill as the host gets busy) and one
 * group commit for their settlements.
 */
@Injectable()
export class DeliveryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly workers = new Map<string, DeliveryWorker>();
  private readonly subscriptions = new Subscription();
  private stopped = false;
  private readonly slots: CallSlots;
  private readonly linger: LingerPolicy;

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly connectors: ConnectorsRepository,
    private readonly outbox: OutboxStore,
    private readonly ownership: PartitionOwnership,
    private readonly settle: SettlementBatcher,
    private readonly instances: ConnectorInstancesService,
    private readonly registry: ConnectorRegistry,
    private readonly changes: ConnectorChanges,
    private readonly observer: DeliveryObserver,
    private readonly deadLetterQuota: DeadLetterQuota,
    private readonly tracing: HostTracing,
    private readonly facts: DeliveryFacts,
  ) {
    this.slots = new CallSlots(config.delivery.maxCalls, config.delivery.maxCallsPerSite);
    this.linger = new LingerPolicy(config.delivery.lingerMs, config.delivery.maxLingerMs);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriptions.add(this.changes.changed$.subscribe((id) => void this.reconcile(id)));
    // The one way delivery hears of new messages (outbox-store.ts, arrived$): whoever committed them, wherever.
    this.subscriptions.add(this.outbox.arrived$.subscribe((ids) => this.arrived(ids)));
    // Whatever was accepted before a restart or a crash is still in the outbox: the loops pick it up.
    for (const row of await this.connectors.listEnabled()) await this.reconcile(row.id);
  }

  /** New messages were committed for these connectors: their loops look at the store now, not at the next poll. */
  private arrived(connectorIds: Iterable<string>): void {
    for (const id of connectorIds) this.workers.get(id)?.arrived();
  }

  /** The loops running, each with its status. */
  loops(): Map<string, LoopStatus> {
    const loops = new Map<string, LoopStatus>();
    for (const [id, worker] of this.workers) loops.set(id, loopStatusOf(worker.status));
    return loops;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.subscriptions.unsubscribe();
    const stops = Promise.all([...this.workers.values()].map((worker) => worker.stop()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), this.config.delivery.shutdownTimeoutMs)),
    );
    const result = await Promise.race([stops.then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') this.logger.warn('shutdown timeout: unsettled batches stay in the outbox and are sent after restart');
    this.workers.clear();
    this.linger.close();
  }

  /** Persists a pause: the loop idles (messages stay stored) until resume or a successful check. */
  private async pause(connectorId: string, reason: FailureReason): Promise<void> {
    await this.connectors.update(connectorId, { paused_reason: `${reason.code}: ${reason.message}`.slice(0, 1000), paused_at: Date.now() });
    this.changes.changed(connectorId);
  }

  private async reconcile(id: string): Promise<void> {
    if (this.stopped) return;
    const row = await this.connectors.get(id);
    const worker = this.workers.get(id);
    const runnable = row !== undefined && row.enabled === 1 && this.registry.get(row.type) !== undefined;
    // A deleted set-up's backlog went with it (its count too; on delivery's thread this is where it hears of it).
    if (row === undefined) this.outbox.forget(id);
    if (!runnable) {
      if (worker) {
        this.workers.delete(id);
        await worker.stop();
        this.facts.forget(id);
      }
      return;
    }
    if (worker) {
      worker.update(row);
      return;
    }
    const created = new DeliveryWorker(row, {
      outbox: this.outbox,
      ownership: this.ownership,
      leaseMarginMs: this.config.cluster.leaseMarginMs,
      leaseTtlMs: this.config.cluster.leaseTtlMs,
      settle: this.settle,
      slots: this.slots,
      linger: this.linger,
      instanceFor: (current) => this.instances.instanceFor(current),
      pause: (connectorId, reason) => this.pause(connectorId, reason),
      deadLetterQuota: this.deadLetterQuota,
      observe: (report) => {
        this.observer.observe(report);
        this.facts.observe(report);
      },
      tracing: this.tracing,
      config: this.config.delivery,
    });
    this.workers.set(id, created);
    created.start();
  }
}
