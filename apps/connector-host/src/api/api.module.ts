import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { IntakeModule } from '../intake/intake.module.js';
import { SetupsModule } from '../setups/setups.module.js';
import { AdminController } from './admin.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { BindingsController } from './bindings.controller.js';
import { ConnectorTypesController } from './connector-types.controller.js';
import { ConnectorsController } from './connectors.controller.js';
import { DeadLettersController } from './dead-letters.controller.js';
import { DeliveriesController } from './deliveries.controller.js';
import { DomainErrorFilter } from './domain-error.filter.js';
import { EventsController } from './events.controller.js';

/** The /v1 HTTP API: bearer-token access on every route, DTO validation, and domain errors turned into HTTP answers. */
@Module({
  imports: [SetupsModule, IntakeModule, DeliveryModule],
  controllers: [
    ConnectorTypesController,
    ConnectorsController,
    BindingsController,
    EventsController,
    DeadLettersController,
    DeliveriesController,
    AdminController,
  ],
  providers: [
    { provide: APP_FILTER, useClass: DomainErrorFilter },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
})
export class ApiModule {}
