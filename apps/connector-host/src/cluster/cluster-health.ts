import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { DatabaseService } from '../store/database.service.js';
import type { ClusterView, InstanceView, PartitionLeaseView } from './cluster-view.js';

/** Who is in the cluster and who delivers what, read from the shared store (GET /health/cluster). */
@Injectable()
export class ClusterHealth {
  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly database: DatabaseService,
  ) {}

  async view(): Promise<ClusterView> {
    const { instanceId, partitions, leaseTtlMs } = this.config.cluster;
    if (this.database.engine === 'sqlite') {
      // One instance owns its file and its one partition for good.
      return {
        engine: 'sqlite',
        instanceId,
        partitions: 1,
        leaseTtlMs,
        instances: [
          {
            id: instanceId,
            role: this.config.role,
            startedAt: new Date(performance.timeOrigin).toISOString(),
            heartbeatAgeMs: 0,
            live: true,
            partitions: [{ partition: 0, epoch: 0, expiresInMs: Number.MAX_SAFE_INTEGER }],
          },
        ],
        unowned: [],
      };
    }
    const db = this.database.db;
    const [{ rows: instances }, { rows: leases }] = await Promise.all([
      sql<{ id: string; role: InstanceView['role']; started_at: Date; age_ms: number }>`
        SELECT id, role, started_at, (extract(epoch FROM clock_timestamp() - heartbeat_at) * 1000)::bigint AS age_ms
        FROM instances ORDER BY started_at, id`.execute(db),
      sql<{ partition: number; owner: string | null; epoch: number; left_ms: number | null }>`
        SELECT partition, owner, epoch,
               CASE WHEN expires_at = '-infinity' THEN NULL ELSE (extract(epoch FROM expires_at - clock_timestamp()) * 1000)::bigint END AS left_ms
        FROM partition_leases ORDER BY partition`.execute(db),
    ]);
    const byOwner = new Map<string, PartitionLeaseView[]>();
    const unowned: number[] = [];
    for (const lease of leases) {
      if (lease.owner === null || lease.left_ms === null || lease.left_ms <= 0) {
        unowned.push(lease.partition);
        continue;
      }
      const list = byOwner.get(lease.owner) ?? [];
      list.push({ partition: lease.partition, epoch: lease.epoch, expiresInMs: lease.left_ms });
      byOwner.set(lease.owner, list);
    }
    return {
      engine: 'postgres',
      instanceId,
      partitions,
      leaseTtlMs,
      instances: instances.map((row) => ({
        id: row.id,
        role: row.role,
        startedAt: new Date(row.started_at).toISOString(),
        heartbeatAgeMs: row.age_ms,
        live: row.age_ms < leaseTtlMs,
        partitions: byOwner.get(row.id) ?? [],
      })),
      unowned,
    };
  }
}
