import { Module } from '@nestjs/common';
import { MetricsService } from './metrics.service.js';

/** The host's Prometheus metrics (served by api/metrics.controller.ts); logging is composed at the root (logging.module.ts). */
@Module({
  providers: [MetricsService],
  exports: [MetricsService],
})
export class ObservabilityModule {}
