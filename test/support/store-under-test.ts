import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { freshDatabaseUrl, type TestEngine } from './postgres.js';
import type { HostConfig } from '../../apps/connector-host/src/config/host.config.js';
import type { DatabaseService } from '../../apps/connector-host/src/store/database.service.js';
import type { EngineStore } from '../../apps/connector-host/src/store/engine-store.js';
import { openStore } from '../../apps/connector-host/src/store/open-store.js';
import { SqliteDatabase } from '../../apps/connector-host/src/store/sqlite/sqlite-database.js';
import type { DeadLettersRepository } from '../../apps/connector-host/src/store/repositories/dead-letters.repository.js';
import { PartitionOwnership } from '../../apps/connector-host/src/store/cluster/partition-ownership.js';
import { StoreSignals } from '../../apps/connector-host/src/store/cluster/store-signals.js';
import { TrafficStatsRepository } from '../../apps/connector-host/src/store/traffic/traffic-stats.repository.js';
import type { OutboxStore, SettlementItem } from '../../apps/connector-host/src/store/outbox/outbox-store.js';

// Test support for the store's specs (both engines); not part of the host.

export const A = 'aaaaaaaa-0000-4000-8000-000000000001';
export const B = 'bbbbbbbb-0000-4000-8000-000000000002';
export const ME = 'instance-under-test';

/** A store of either engine, with this instance holding every partition (on PostgreSQL: real leases, epoch 1). */
export class StoreUnderTest {
  database!: DatabaseService;
  outbox!: OutboxStore;
  ownership!: PartitionOwnership;
  traffic!: TrafficStatsRepository;
  deadLetters!: DeadLettersRepository;
  engineStore!: EngineStore;
  private signals?: StoreSignals;

  constructor(readonly config: HostConfig) {}

  static async create(engine: TestEngine, partitions = 1): Promise<StoreUnderTest> {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const config = {
      databasePath: join(dir, 'host.db'),
      databaseUrl: engine === 'postgres' ? await freshDatabaseUrl() : undefined,
      role: 'all',
      idempotencyRetentionMs: 86_400_000,
      limits: { messageHistoryMs: 7 * 86_400_000 },
      cluster: { instanceId: ME, partitions, leaseTtlMs: 10_000, renewEveryMs: 2000, leaseMarginMs: 1000, backlogRefreshMs: 1000 },
    } as HostConfig;
    const store = new StoreUnderTest(config);
    await store.open();
    await sql`INSERT INTO connectors (id, type, site_number, name, partner_number, settings, secrets, enabled, created_at, updated_at)
      VALUES (${A}, 'kinesis', 1, 'c', 1, '{}', '{}', 1, 0, 0), (${B}, 'kinesis', 1, 'c', 1, '{}', '{}', 1, 0, 0)`.execute(
      store.database.db,
    );
    return store;
  }

  async open(): Promise<void> {
    this.engineStore = await openStore(this.config);
    this.database = this.engineStore.database;
    this.ownership = new PartitionOwnership(this.config);
    this.traffic = new TrafficStatsRepository(this.database);
    this.deadLetters = this.engineStore.deadLetters();
    this.signals = new StoreSignals(this.config, this.database);
    const parts = { config: this.config, deadLetters: this.deadLetters, ownership: this.ownership, signals: this.signals };
    if (this.database.engine === 'sqlite') {
      this.outbox = this.engineStore.outbox(parts);
      return;
    }
    const { partitions } = this.config.cluster;
    await sql`INSERT INTO partition_leases (partition, owner, epoch, expires_at)
      SELECT p, ${ME}, 1, clock_timestamp() + interval '1 hour' FROM generate_series(0, ${partitions - 1}::int) p
      ON CONFLICT (partition) DO UPDATE SET owner = EXCLUDED.owner, epoch = 1, expires_at = EXCLUDED.expires_at`.execute(this.database.db);
    for (let partition = 0; partition < partitions; partition++) this.ownership.hold(partition, 1, performance.now(), 3_600_000);
    this.outbox = this.engineStore.outbox(parts);
    await this.outbox.recount();
  }

  /** The SQLite database under test (a PostgreSQL store has none). */
  get sqlite(): SqliteDatabase {
    if (!(this.database instanceof SqliteDatabase)) throw new Error('this store is PostgreSQL');
    return this.database;
  }

  /** Settlement items as a delivery loop sends them: under the leases held now. */
  fenced(items: Omit<SettlementItem, 'fence'>[]): SettlementItem[] {
    const fence = this.ownership.fenceFor(this.ownership.partitions());
    return items.map((item) => ({ ...item, fence }));
  }

  async close(): Promise<void> {
    await this.database.onApplicationShutdown();
  }

  async remove(): Promise<void> {
    await this.close();
    rmSync(this.config.databasePath.replace(/\/host\.db$/, ''), { recursive: true, force: true });
  }
}
