import { ClusterModule } from '../cluster/cluster.module.js';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { HealthModule } from '../health/health.module.js';
import { IntakeModule } from '../intake/intake.module.js';
import { ObservabilityModule } from '../observability/observability.module.js';
import { SetupsModule } from '../setups/setups.module.js';
import { StoreModule } from '../store/store.module.js';
import { AdminController } from './admin.controller.js';
import { AuthFailureLimiter } from './auth/auth-failure-limiter.js';
import { AuthGuard } from './auth/auth.guard.js';
import { BindingsController } from './bindings.controller.js';
import { ConnectorTypesController } from './connector-types.controller.js';
import { ConnectorsController } from './connectors.controller.js';
import { DeadLettersController } from './dead-letters.controller.js';
import { DeliveriesController } from './deliveries.controller.js';
import { MessagesController } from './messages.controller.js';
import { ReplaysController } from './replays.controller.js';
import { HistoryModule } from '../history/history.module.js';
import { ErrorBodyFilter } from './error-body.filter.js';
import { EventsController } from './events.controller.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { StatsController } from './stats.controller.js';
import { SitesController } from './sites.controller.js';
import { ConsoleSessionsController } from './console-sessions.controller.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { StatsModule } from '../stats/stats.module.js';

/**
 * The HTTP layer, the only one: the /v1 API (bearer-token access on every route, DTO validation, domain errors
 * turned into HTTP answers), /health and /metrics.
 */
@Module({
  imports: [
    TerminusModule,
    StoreModule,
    SetupsModule,
    IntakeModule,
    DeliveryModule,
    HealthModule,
    ObservabilityModule,
    ClusterModule,
    StatsModule,
    HistoryModule,
    SessionsModule,
  ],
  controllers: [
    ConnectorTypesController,
    ConnectorsController,
    BindingsController,
    EventsController,
    DeadLettersController,
    DeliveriesController,
    MessagesController,
    ReplaysController,
    StatsController,
    SitesController,
    ConsoleSessionsController,
    AdminController,
    HealthController,
    MetricsController,
  ],
  providers: [{ provide: APP_FILTER, useClass: ErrorBodyFilter }, AuthFailureLimiter, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class ApiModule {}
