import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { BacklogStats } from './backlog-stats.js';
import { BindingsRepository } from './bindings.repository.js';
import { ConnectorsRepository } from './connectors.repository.js';
import { WriteLock } from './write-lock.js';
import { DatabaseService } from './database.service.js';
import { DeadLettersRepository } from './dead-letters.repository.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { DeadLetterReplay } from './outbox/dead-letter-replay.js';
import { OutboxSearch } from './outbox/outbox-search.js';
import { OutboxSettlements } from './outbox/outbox-settlements.js';
import { OutboxRepository } from './outbox/outbox.repository.js';
import { RoutingVersion } from './routing-version.js';
import { StoreHealthIndicator } from './store-health.indicator.js';

const REPOSITORIES = [
  RoutingVersion,
  ConnectorsRepository,
  BindingsRepository,
  IdempotencyRepository,
  DeadLettersRepository,
  OutboxRepository,
  OutboxSettlements,
  OutboxSearch,
  DeadLetterReplay,
  BacklogStats,
  StoreHealthIndicator,
];

/** The host's store: one SQLite database (set-ups, bindings, outbox, dead letters, idempotency keys) and its repositories. */
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
    ...REPOSITORIES,
  ],
  exports: [DatabaseService, ...REPOSITORIES],
})
export class StoreModule {}
