import type { HostConfig } from '../../config/host.config.js';
import type { EngineStore, OutboxParts } from '../engine-store.js';
import type { RoutingVersion } from '../repositories/routing-version.js';
import { SqliteBindingsRepository } from './sqlite-bindings.repository.js';
import { SqliteConnectorsRepository } from './sqlite-connectors.repository.js';
import { SqliteDatabase } from './sqlite-database.js';
import { SqliteDeadLettersRepository } from './sqlite-dead-letters.repository.js';
import { SqliteIdempotencyRepository } from './sqlite-idempotency.repository.js';
import { SqliteOutbox } from './sqlite-outbox.js';
import type { WriteLock } from './write-lock.js';

/** The embedded engine: one SQLite file, one instance (sqlite-database.ts). */
export class SqliteStore implements EngineStore {
  readonly database: SqliteDatabase;
  private idempotencyRepository?: SqliteIdempotencyRepository;

  constructor(config: Pick<HostConfig, 'databasePath'>, lock?: WriteLock) {
    this.database = new SqliteDatabase(config, lock);
  }

  connectors(routing?: RoutingVersion): SqliteConnectorsRepository {
    return new SqliteConnectorsRepository(this.database, routing);
  }

  bindings(routing: RoutingVersion): SqliteBindingsRepository {
    return new SqliteBindingsRepository(this.database, routing);
  }

  deadLetters(): SqliteDeadLettersRepository {
    return new SqliteDeadLettersRepository(this.database);
  }

  idempotency(): SqliteIdempotencyRepository {
    this.idempotencyRepository ??= new SqliteIdempotencyRepository(this.database);
    return this.idempotencyRepository;
  }

  outbox({ deadLetters, config }: OutboxParts): SqliteOutbox {
    return new SqliteOutbox(this.database, deadLetters, this.idempotency().keys, (config?.limits?.messageHistoryMs ?? 0) > 0);
  }
}
