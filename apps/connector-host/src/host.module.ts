import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AdminController } from './api/admin.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { TerminusModule } from '@nestjs/terminus';
import { ConnectorSdkModule } from '@event-connectors/connector-sdk';
import { BindingsController } from './api/bindings.controller.js';
import { ConnectorTypesController } from './api/connector-types.controller.js';
import { ConnectorsController } from './api/connectors.controller.js';
import { DeadLettersController } from './api/dead-letters.controller.js';
import { DeliveriesController } from './api/deliveries.controller.js';
import { TraceRepository } from './store/trace.repository.js';
import { EventsController } from './api/events.controller.js';
import { RetryLaterFilter } from './api/retry-later.exception.js';
import { BindingsService } from './bindings/bindings.service.js';
import { HOST_CONFIG, type HostConfig } from './config/host.config.js';
import { ConnectorChanges } from './connectors/connector-changes.js';
import { ConnectorInstancesService } from './connectors/connector-instances.service.js';
import { ConnectorSetupsService } from './connectors/connector-setups.service.js';
import { secretBoxProvider } from './connectors/secret-box.provider.js';
import { DeliveryService } from './delivery/delivery.service.js';
import { EventsRequestValidator } from './events/events-request.validator.js';
import { IngestService } from './events/ingest.service.js';
import { ConnectorHealthService } from './health/connector-health.service.js';
import { HealthController } from './health/health.controller.js';
import { loggingModule } from './observability/logging.module.js';
import { MetricsController } from './observability/metrics.controller.js';
import { MetricsService } from './observability/metrics.service.js';
import { DeliveryObserver } from './delivery/delivery-observer.js';
import { BacklogStats } from './store/backlog-stats.js';
import { EventRouter } from './routing/event-router.service.js';
import { BindingsRepository } from './store/bindings.repository.js';
import { ConnectorsRepository } from './store/connectors.repository.js';
import { DatabaseService } from './store/database.service.js';
import { OutboxRepository } from './store/outbox.repository.js';
import { DeadLettersRepository } from './store/dead-letters.repository.js';
import { IdempotencyRepository } from './store/idempotency.repository.js';
import { HostLifecycle } from './lifecycle/host-lifecycle.js';

export interface HostModuleOptions {
  config: HostConfig;
  /** The connector modules to load, e.g. `[KinesisConnectorModule.forRoot({ … })]`: the host knows no connector itself. */
  connectors: DynamicModule[];
}

/** The connector host: the API, the store, routing and delivery, plus the connector modules it is given. */
@Module({})
export class HostModule {
  static forRoot({ config, connectors }: HostModuleOptions): DynamicModule {
    return {
      module: HostModule,
      imports: [
        loggingModule(config),
        ThrottlerModule.forRoot({ throttlers: [{ name: 'admin', ttl: 60_000, limit: config.adminRateLimitPerMinute }] }),
        ConnectorSdkModule,
        TerminusModule,
        ...connectors,
      ],
      controllers: [
        ConnectorTypesController,
        ConnectorsController,
        BindingsController,
        EventsController,
        DeadLettersController,
        HealthController,
        MetricsController,
        DeliveriesController,
        AdminController,
      ],
      providers: [
        { provide: HOST_CONFIG, useValue: config },
        {
          // Migrated before anything prepares statements against the schema.
          provide: DatabaseService,
          inject: [HOST_CONFIG],
          useFactory: async (hostConfig: HostConfig) => {
            const database = new DatabaseService(hostConfig);
            await database.migrate();
            return database;
          },
        },
        ConnectorsRepository,
        BindingsRepository,
        OutboxRepository,
        DeadLettersRepository,
        IdempotencyRepository,
        HostLifecycle,
        { provide: APP_FILTER, useClass: RetryLaterFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
        secretBoxProvider,
        ConnectorChanges,
        ConnectorInstancesService,
        ConnectorSetupsService,
        BindingsService,
        EventsRequestValidator,
        EventRouter,
        IngestService,
        DeliveryService,
        DeliveryObserver,
        MetricsService,
        BacklogStats,
        TraceRepository,
        ConnectorHealthService,
      ],
    };
  }
}
