import type { HostConfig } from '../../config/host.config.js';
import type { EngineStore, OutboxParts } from '../engine-store.js';
import { IdempotencyRepository } from '../repositories/idempotency.repository.js';
import type { RoutingVersion } from '../repositories/routing-version.js';
import { BindingsRepository } from '../repositories/bindings.repository.js';
import { PostgresConnectorsRepository } from './postgres-connectors.repository.js';
import { PostgresDatabase } from './postgres-database.js';
import { PostgresDeadLettersRepository } from './postgres-dead-letters.repository.js';
import { PostgresOutbox } from './postgres-outbox.js';

/** The shared engine: one PostgreSQL database, many instances (postgres-database.ts). */
export class PostgresStore implements EngineStore {
  readonly database: PostgresDatabase;

  constructor(config: Pick<HostConfig, 'cluster'> & { databaseUrl: string }) {
    this.database = new PostgresDatabase(config);
  }

  connectors(routing?: RoutingVersion): PostgresConnectorsRepository {
    return new PostgresConnectorsRepository(this.database, routing);
  }

  bindings(routing: RoutingVersion): BindingsRepository {
    return new BindingsRepository(this.database, routing);
  }

  deadLetters(): PostgresDeadLettersRepository {
    return new PostgresDeadLettersRepository(this.database);
  }

  idempotency(): IdempotencyRepository {
    return new IdempotencyRepository(this.database);
  }

  outbox({ config, ownership, signals }: OutboxParts): PostgresOutbox {
    return new PostgresOutbox(this.database, config, ownership, signals);
  }
}
