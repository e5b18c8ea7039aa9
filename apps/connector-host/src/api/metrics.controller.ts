import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Access } from './auth/access.decorator.js';
import { DeliveryControl } from '../delivery/delivery-control.js';
import { MetricsService } from '../observability/metrics.service.js';

@ApiExcludeController()
@Access('public')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly delivery: DeliveryControl,
  ) {}

  /** Prometheus text format. */
  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.exposition([await this.delivery.metricsElsewhere()]);
  }
}
