import type { HostConfig } from '../config/host.config.js';
import type { DatabaseService } from './database.service.js';
import type { OutboxStore } from './outbox/outbox-store.js';
import type { PartitionOwnership } from './cluster/partition-ownership.js';
import type { BindingsRepository } from './repositories/bindings.repository.js';
import type { ConnectorsRepository } from './repositories/connectors.repository.js';
import type { DeadLettersRepository } from './repositories/dead-letters.repository.js';
import type { IdempotencyRepository } from './repositories/idempotency.repository.js';
import type { RoutingVersion } from './repositories/routing-version.js';
import type { StoreSignals } from './cluster/store-signals.js';

/** What an engine's outbox is built from, besides the engine's own database. */
export interface OutboxParts {
  config: HostConfig;
  deadLetters: DeadLettersRepository;
  ownership: PartitionOwnership;
  signals: StoreSignals;
}

/**
 * One store engine (as Outpost's store drivers): its database and the parts of the store whose queries or
 * transactions differ by engine. Everything else is engine-neutral, written once against `database.db`. The host
 * asks for these only through the store module; the conformance suite (store-conformance.spec.ts) holds every
 * engine to the same behaviour.
 */
export interface EngineStore {
  readonly database: DatabaseService;
  connectors(routing?: RoutingVersion): ConnectorsRepository;
  bindings(routing: RoutingVersion): BindingsRepository;
  deadLetters(): DeadLettersRepository;
  idempotency(): IdempotencyRepository;
  outbox(parts: OutboxParts): OutboxStore;
}
