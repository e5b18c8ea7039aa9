import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { IntakeModule } from '../intake/intake.module.js';
import { ObservabilityModule } from '../observability/observability.module.js';
import { StoreModule } from '../store/store.module.js';
import { ConnectorHealthService } from './connector-health.service.js';
import { HostReadiness } from './host-readiness.js';

/** How each connector's delivery is doing and whether the host is ready (for /health and the gauges over both). */
@Module({
  imports: [StoreModule, IntakeModule, DeliveryModule, ObservabilityModule],
  providers: [ConnectorHealthService, HostReadiness],
  exports: [ConnectorHealthService, HostReadiness],
})
export class HealthModule {}
