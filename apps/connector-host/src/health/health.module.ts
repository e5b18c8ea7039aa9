import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { ObservabilityModule } from '../observability/observability.module.js';
import { StoreModule } from '../store/store.module.js';
import { ConnectorHealthService } from './connector-health.service.js';

/** How each connector's delivery is doing (for /health/connectors and the backlog gauges). */
@Module({
  imports: [StoreModule, DeliveryModule, ObservabilityModule],
  providers: [ConnectorHealthService],
  exports: [ConnectorHealthService],
})
export class HealthModule {}
