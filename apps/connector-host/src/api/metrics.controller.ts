import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Access } from './auth/access.decorator.js';
import { DeliveryControl } from '../delivery/delivery-control.js';
import { MetricsService } from '../observability/metrics.service.js';

@ApiExcludeController()
@Access('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly delivery: DeliveryControl,
  ) {}

  /** Prometheus text format. Names every tenant's connectors: a metrics token, or an admin token of the whole host. */
  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.exposition([await this.delivery.metricsElsewhere()]);
  }
}
