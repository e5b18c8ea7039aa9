import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { IntakeModule } from '../intake/intake.module.js';
import { ObservabilityModule } from '../observability/observability.module.js';
import { StoreModule } from '../store/store.module.js';
import { ConnectorHealthService } from './connector-health.service.js';
import { HealthController } from './health.controller.js';

/** /health/live, /health/ready (the indicators of store, intake and delivery) and /health/connectors. */
@Module({
  imports: [TerminusModule, StoreModule, IntakeModule, DeliveryModule, ObservabilityModule],
  controllers: [HealthController],
  providers: [ConnectorHealthService],
})
export class HealthModule {}
