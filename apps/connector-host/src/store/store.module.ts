import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { BacklogStats } from './backlog-stats.js';
import { BindingsRepository } from './bindings.repository.js';
import { ConnectorsRepository } from './connectors.repository.js';
import { DatabaseService } from './database.service.js';
import { DeadLettersRepository } from './dead-letters.repository.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { OutboxStore } from './outbox/outbox-store.js';
import { PostgresOutbox } from './outbox/postgres-outbox.js';
import { SqliteOutbox } from './outbox/sqlite-outbox.js';
import { PartitionOwnership } from './partition-ownership.js';
import { RoutingVersion } from './routing-version.js';
import { SiteIdentitiesRepository } from './site-identities.repository.js';
import { StoreHealthIndicator } from './store-health.indicator.js';
import { StoreSignals } from './store-signals.js';
import { TrafficStatsRepository } from './traffic/traffic-stats.repository.js';
import { WriteLock } from './write-lock.js';

const REPOSITORIES = [
  RoutingVersion,
  ConnectorsRepository,
  BindingsRepository,
  IdempotencyRepository,
  DeadLettersRepository,
  TrafficStatsRepository,
  SiteIdentitiesRepository,
  PartitionOwnership,
  StoreSignals,
  BacklogStats,
  StoreHealthIndicator,
];

/**
 * The host's store and its repositories: the embedded SQLite file (one instance), or a PostgreSQL many instances
 * share (DATABASE_URL). Set-ups, bindings, the outbox, dead letters, idempotency keys; on PostgreSQL the cluster's
 * partition leases too.
 */
@Module({
  imports: [TerminusModule],
  providers: [
    {
      // Migrated before anything prepares statements against the schema.
      provide: DatabaseService,
      inject: [HOST_CONFIG, { token: WriteLock, optional: true }],
      useFactory: async (config: HostConfig, lock?: WriteLock) => {
        const database = new DatabaseService(config, lock);
        await database.migrate();
        return database;
      },
    },
    {
      provide: OutboxStore,
      inject: [
        HOST_CONFIG,
        DatabaseService,
        DeadLettersRepository,
        IdempotencyRepository,
        TrafficStatsRepository,
        PartitionOwnership,
        StoreSignals,
      ],
      useFactory: (
        config: HostConfig,
        database: DatabaseService,
        deadLetters: DeadLettersRepository,
        idempotency: IdempotencyRepository,
        traffic: TrafficStatsRepository,
        ownership: PartitionOwnership,
        signals: StoreSignals,
      ): OutboxStore =>
        database.engine === 'postgres'
          ? new PostgresOutbox(database, config, ownership, signals)
          : new SqliteOutbox(database, deadLetters, idempotency, traffic),
    },
    ...REPOSITORIES,
  ],
  exports: [DatabaseService, OutboxStore, ...REPOSITORIES],
})
export class StoreModule {}
