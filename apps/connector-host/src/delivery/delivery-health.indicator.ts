import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { BacklogStats } from '../store/repositories/backlog-stats.js';
import { ConnectorRegistry } from '@event-connectors/connector-sdk';
import { DeliveryControl } from './delivery-control.js';

/**
 * Readiness of delivery: the host's own problems (a loop that should run and does not), never a tenant's: neither
 * a customer's destination being down nor a connector's backlog at its cap (that connector refuses its own intake
 * with 429, and metrics and alerts show it). Open to anyone, so it counts what is wrong and names no connector.
 */
@Injectable()
export class DeliveryHealthIndicator {
  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly indicators: HealthIndicatorService,
    private readonly stats: BacklogStats,
    private readonly delivery: DeliveryControl,
    private readonly registry: ConnectorRegistry,
  ) {}

  async isReady() {
    const indicator = this.indicators.check('delivery');
    // A set-up of a type this host does not load has no loop, by design; nor has an intake-only instance.
    if (this.config.role === 'intake') return indicator.up();
    const loops = await this.delivery.loops();
    const missing = (await this.stats.snapshot()).filter(
      (connector) => connector.enabled && this.registry.get(connector.type) !== undefined && !loops.has(connector.id),
    ).length;
    return missing === 0 ? indicator.up() : indicator.down({ problems: [`${missing} delivery loop(s) are not running`] });
  }
}
