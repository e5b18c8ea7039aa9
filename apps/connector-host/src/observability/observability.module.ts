import { Module } from '@nestjs/common';
import { HostTracing } from './host-tracing.js';
import { MetricsService } from './metrics.service.js';

/**
 * The host's Prometheus metrics (served by api/metrics.controller.ts) and OpenTelemetry traces (opt-in); logging is
 * composed at the root (logging.module.ts).
 */
@Module({
  providers: [MetricsService, HostTracing],
  exports: [MetricsService, HostTracing],
})
export class ObservabilityModule {}
