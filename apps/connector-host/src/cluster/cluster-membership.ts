import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { sql } from 'kysely';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { DatabaseService } from '../store/database.service.js';
import { OutboxStore } from '../store/outbox/outbox-store.js';
import { StoreSignals } from '../store/cluster/store-signals.js';
import { errorMessage } from '../common/error-message.js';
import { keyIdOf } from '../secrets/secret-box.js';

/**
 * This instance's place in a cluster sharing one PostgreSQL: it checks the cluster's fixed settings at boot, keeps
 * a heartbeat row (what the others count to share partitions, and what /health/cluster lists), opens the signals
 * link, and reads the backlog counts again every few seconds (others' intake and settlements change them).
 */
@Injectable()
export class ClusterMembership implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ClusterMembership.name);
  private heartbeat?: NodeJS.Timeout;
  private recount?: NodeJS.Timeout;

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly database: DatabaseService,
    private readonly outbox: OutboxStore,
    private readonly signals: StoreSignals,
  ) {}

  /** Joins before the lease keeper and the delivery loops start (module init runs before any bootstrap). */
  async onModuleInit(): Promise<void> {
    if (this.database.engine !== 'postgres') return;
    const { partitions, instanceId, renewEveryMs, backlogRefreshMs } = this.config.cluster;
    await this.checkPartitions(partitions);
    // The fingerprints of the keys it holds, for a rotation to check that every instance can open what it re-seals.
    const keyIds = [this.config.secretsKey, ...this.config.previousSecretsKeys]
      .flatMap((key) => (key ? [keyIdOf(Buffer.from(key, 'base64'))] : []))
      .join(',');
    await sql`
      INSERT INTO instances (id, role, started_at, heartbeat_at, key_ids) VALUES (${instanceId}, ${this.config.role}, clock_timestamp(), clock_timestamp(), ${keyIds})
      ON CONFLICT (id) DO UPDATE SET role = EXCLUDED.role, started_at = EXCLUDED.started_at, heartbeat_at = EXCLUDED.heartbeat_at, key_ids = EXCLUDED.key_ids`.execute(
      this.database.db,
    );
    await this.signals.start();
    await this.outbox.recount();
    this.heartbeat = setInterval(() => void this.beat(), renewEveryMs);
    this.recount = setInterval(
      () => void this.outbox.recount().catch((error: unknown) => this.logger.warn(`could not count backlogs: ${errorMessage(error)}`)),
      backlogRefreshMs,
    );
    this.logger.log(`instance ${instanceId} (${this.config.role}) joined the cluster`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.database.engine !== 'postgres') return;
    clearInterval(this.heartbeat);
    clearInterval(this.recount);
    // Gone at once from the others' count of delivering instances (their shares grow at their next round).
    await sql`DELETE FROM instances WHERE id = ${this.config.cluster.instanceId}`.execute(this.database.db).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    try {
      await sql`UPDATE instances SET heartbeat_at = clock_timestamp() WHERE id = ${this.config.cluster.instanceId}`.execute(
        this.database.db,
      );
      // Instances silent for an hour are gone for good: their rows go, so /health/cluster stays readable.
      await sql`DELETE FROM instances WHERE heartbeat_at < clock_timestamp() - interval '1 hour'`.execute(this.database.db);
    } catch (error) {
      this.logger.warn(`heartbeat failed: ${errorMessage(error)}`);
    }
  }

  /** The partition count is fixed for a cluster's life: every message's partition was computed with it. */
  private async checkPartitions(partitions: number): Promise<void> {
    await sql`INSERT INTO cluster_settings (name, value) VALUES ('partitions', ${String(partitions)}) ON CONFLICT (name) DO NOTHING`.execute(
      this.database.db,
    );
    const { rows } = await sql<{ value: string }>`SELECT value FROM cluster_settings WHERE name = 'partitions'`.execute(this.database.db);
    const fixed = Number(rows[0]?.value);
    if (fixed !== partitions)
      throw new Error(
        `PARTITIONS=${partitions}, but this cluster's store was created with ${fixed} partitions; start with PARTITIONS=${fixed}`,
      );
    await sql`INSERT INTO partition_leases (partition) SELECT generate_series(0, ${partitions - 1}::int) ON CONFLICT DO NOTHING`.execute(
      this.database.db,
    );
  }
}
