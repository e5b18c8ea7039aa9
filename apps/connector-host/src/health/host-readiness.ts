import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { DeliveryHealthIndicator } from '../delivery/delivery-health.indicator.js';
import { IntakeHealthIndicator } from '../intake/intake-health.indicator.js';
import { MetricsService } from '../observability/metrics.service.js';
import { StoreHealthIndicator } from '../store/store-health.indicator.js';

/**
 * What makes this host ready to take traffic: its store takes writes, intake accepts, delivery runs under its
 * caps. /health/ready reports these checks; `connector_host_ready` is the same answer for alerting, 1 or 0.
 */
@Injectable()
export class HostReadiness implements OnModuleInit {
  constructor(
    private readonly store: StoreHealthIndicator,
    private readonly intake: IntakeHealthIndicator,
    private readonly delivery: DeliveryHealthIndicator,
    private readonly metrics: MetricsService,
  ) {}

  /** The checks, in the order /health/ready reports them. */
  readonly checks: (() => Promise<HealthIndicatorResult> | HealthIndicatorResult)[] = [
    () => this.store.isWritable(),
    () => this.intake.isAccepting(),
    () => this.delivery.isReady(),
  ];

  onModuleInit(): void {
    this.metrics.gaugeAtScrape('connector_host_ready', 'Whether /health/ready answers 200 (1) or 503 (0)', [], async () => [
      { labels: {}, value: (await this.isReady()) ? 1 : 0 },
    ]);
  }

  async isReady(): Promise<boolean> {
    const results = await Promise.all(this.checks.map(async (check) => check()));
    return results.every((result) => Object.values(result).every((indicator) => indicator.status === 'up'));
  }
}
