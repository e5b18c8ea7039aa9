import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { DatabaseService } from './database.service.js';
import type { EngineStore } from './engine-store.js';
import { openStore } from './open-store.js';
import { OutboxStore } from './outbox/outbox-store.js';
import { PartitionOwnership } from './cluster/partition-ownership.js';
import { BacklogStats } from './repositories/backlog-stats.js';
import { BindingsRepository } from './repositories/bindings.repository.js';
import { ConnectorsRepository } from './repositories/connectors.repository.js';
import { DeadLettersRepository } from './repositories/dead-letters.repository.js';
import { IdempotencyRepository } from './repositories/idempotency.repository.js';
import { RoutingVersion } from './repositories/routing-version.js';
import { SiteIdentitiesRepository } from './repositories/site-identities.repository.js';
import { WriteLock } from './sqlite/write-lock.js';
import { StoreHealthIndicator } from './store-health.indicator.js';
import { StoreSignals } from './cluster/store-signals.js';
import { TrafficStatsRepository } from './traffic/traffic-stats.repository.js';
import { MessageHistoryRepository } from './history/message-history.repository.js';
import { ReplaysRepository } from './history/replays.repository.js';
import { AlertStatesRepository } from './alerts/alert-states.repository.js';
import { DeliveryHealthRepository } from './alerts/delivery-health.repository.js';

/** The engine the configuration names (open-store.ts), opened and migrated once per module. */
const ENGINE_STORE = Symbol('EngineStore');

/** The parts of the store every engine writes the same way. */
const ENGINE_NEUTRAL = [
  RoutingVersion,
  TrafficStatsRepository,
  SiteIdentitiesRepository,
  PartitionOwnership,
  StoreSignals,
  BacklogStats,
  StoreHealthIndicator,
  MessageHistoryRepository,
  ReplaysRepository,
  DeliveryHealthRepository,
  AlertStatesRepository,
];

/** The parts each engine builds its own way (engine-store.ts). */
const fromEngine = <T>(provide: abstract new (...args: never[]) => T, build: (store: EngineStore, routing: RoutingVersion) => T) => ({
  provide,
  inject: [ENGINE_STORE, RoutingVersion],
  useFactory: build,
});

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
      provide: ENGINE_STORE,
      inject: [HOST_CONFIG, { token: WriteLock, optional: true }],
      useFactory: (config: HostConfig, lock?: WriteLock) => openStore(config, lock),
    },
    fromEngine(DatabaseService, (store) => store.database),
    fromEngine(ConnectorsRepository, (store, routing) => store.connectors(routing)),
    fromEngine(BindingsRepository, (store, routing) => store.bindings(routing)),
    fromEngine(DeadLettersRepository, (store) => store.deadLetters()),
    fromEngine(IdempotencyRepository, (store) => store.idempotency()),
    {
      provide: OutboxStore,
      inject: [ENGINE_STORE, HOST_CONFIG, DeadLettersRepository, PartitionOwnership, StoreSignals],
      useFactory: (
        store: EngineStore,
        config: HostConfig,
        deadLetters: DeadLettersRepository,
        ownership: PartitionOwnership,
        signals: StoreSignals,
      ): OutboxStore => store.outbox({ config, deadLetters, ownership, signals }),
    },
    ...ENGINE_NEUTRAL,
  ],
  exports: [
    DatabaseService,
    ConnectorsRepository,
    BindingsRepository,
    DeadLettersRepository,
    IdempotencyRepository,
    OutboxStore,
    ...ENGINE_NEUTRAL,
  ],
})
export class StoreModule {}
