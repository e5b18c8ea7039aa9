import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { sql } from 'kysely';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { DatabaseService } from '../store/database.service.js';
import { OutboxStore } from '../store/outbox/outbox-store.js';
import { PartitionOwnership } from '../store/cluster/partition-ownership.js';
import { errorMessage } from '../common/error-message.js';

/**
 * Holds this instance's fair share of the delivery partitions on a shared PostgreSQL (a delivering role only).
 * Every `renewEveryMs`: renews the leases it holds (a lease that lapsed or was taken is dropped at once), gives back
 * partitions over its share once their calls settled, and claims free or expired ones up to its share, each claim
 * bumping the partition's epoch. All lease arithmetic uses the database's clock; this instance's own view of how
 * long a lease lasts starts from before the statement was sent (see PartitionOwnership), so it errs short.
 */
@Injectable()
export class PartitionLeaseKeeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PartitionLeaseKeeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly database: DatabaseService,
    private readonly ownership: PartitionOwnership,
    private readonly outbox: OutboxStore,
  ) {}

  get active(): boolean {
    return this.database.engine === 'postgres' && this.config.role !== 'intake';
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.active) return;
    await this.tick();
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    }, this.config.cluster.renewEveryMs);
  }

  /** After the delivery loops stopped (their calls settled): every lease goes back, for others to take at once. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.active) return;
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    const held = this.ownership.partitions();
    if (held.length === 0) return;
    try {
      await sql`
        UPDATE partition_leases SET owner = NULL, expires_at = '-infinity'
        WHERE owner = ${this.ownership.owner} AND partition = ANY(${held}::int[])`.execute(this.database.db);
      this.logger.log(`gave back partitions ${held.join(', ')}`);
    } catch (error) {
      this.logger.warn(`could not give back partitions (they lapse within ${this.config.cluster.leaseTtlMs} ms): ${errorMessage(error)}`);
    }
    for (const partition of held) this.ownership.drop(partition);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const before = this.ownership.partitions().join();
    try {
      await this.renew();
      await this.giveBack();
      await this.balance();
    } catch (error) {
      // The database is unreachable: nothing is renewed, so calls stop before the leases can lapse.
      this.logger.warn(`lease round failed: ${errorMessage(error)}`);
    }
    if (this.ownership.partitions().join() !== before) {
      this.logger.log(`holding partitions [${this.ownership.partitions().join(', ')}]`);
      await this.outbox.recount().catch((error: unknown) => this.logger.warn(`could not count backlogs: ${errorMessage(error)}`));
    }
  }

  private async renew(): Promise<void> {
    const held = this.ownership.partitions();
    if (held.length === 0) return;
    const startedAt = performance.now();
    const { rows } = await sql<{ partition: number; epoch: number }>`
      UPDATE partition_leases SET expires_at = clock_timestamp() + ${this.config.cluster.leaseTtlMs} * interval '1 millisecond'
      WHERE owner = ${this.ownership.owner} AND partition = ANY(${held}::int[]) AND expires_at > clock_timestamp()
      RETURNING partition, epoch`.execute(this.database.db);
    const renewed = new Map(rows.map((row) => [row.partition, row.epoch]));
    for (const partition of held) {
      const epoch = renewed.get(partition);
      if (epoch !== undefined && epoch === this.ownership.epochOf(partition)) {
        this.ownership.hold(partition, epoch, startedAt, this.config.cluster.leaseTtlMs);
      } else {
        this.logger.warn(`lost partition ${partition} (its lease lapsed or another instance holds it)`);
        this.ownership.drop(partition);
      }
    }
  }

  /** Partitions marked for release whose calls all settled go back to the pool. */
  private async giveBack(): Promise<void> {
    for (const partition of this.ownership.partitions()) {
      if (!this.ownership.isReleasing(partition) || this.ownership.callsInFlight(partition) > 0) continue;
      await sql`
        UPDATE partition_leases SET owner = NULL, expires_at = '-infinity'
        WHERE partition = ${partition} AND owner = ${this.ownership.owner} AND epoch = ${this.ownership.epochOf(partition) ?? -1}`.execute(
        this.database.db,
      );
      this.ownership.drop(partition);
    }
  }

  /** Claims free or expired partitions up to this instance's share, or marks those over it for release. */
  private async balance(): Promise<void> {
    const { partitions, leaseTtlMs } = this.config.cluster;
    const { rows } = await sql<{ live: number }>`
      SELECT count(*) AS live FROM instances
      WHERE role IN ('all', 'delivery') AND heartbeat_at > clock_timestamp() - ${leaseTtlMs} * interval '1 millisecond'`.execute(
      this.database.db,
    );
    const share = Math.ceil(partitions / Math.max(1, rows[0]?.live ?? 1));
    const keeping = this.ownership.partitions().filter((partition) => !this.ownership.isReleasing(partition));
    if (keeping.length > share) {
      for (const partition of keeping.slice(share)) this.ownership.release(partition);
      return;
    }
    if (keeping.length === share) return;
    const startedAt = performance.now();
    const { rows: claimed } = await sql<{ partition: number; epoch: number }>`
      UPDATE partition_leases SET owner = ${this.ownership.owner}, epoch = epoch + 1,
        expires_at = clock_timestamp() + ${leaseTtlMs} * interval '1 millisecond'
      WHERE partition IN (
        SELECT partition FROM partition_leases WHERE expires_at < clock_timestamp()
        ORDER BY partition LIMIT ${share - keeping.length} FOR UPDATE SKIP LOCKED)
      RETURNING partition, epoch`.execute(this.database.db);
    for (const { partition, epoch } of claimed) this.ownership.hold(partition, epoch, startedAt, leaseTtlMs);
  }
}
