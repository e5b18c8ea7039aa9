import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { BacklogStats } from '../store/backlog-stats.js';
import { ConnectorRegistry } from '@event-connectors/connector-sdk';
import { DeliveryControl } from './delivery-control.js';

/**
 * Readiness of delivery: the host's own problems (a loop that should run and does not, a backlog at its cap),
 * never a customer's destination being down.
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
    const problems: string[] = [];
    const loops = await this.delivery.loops();
    for (const connector of await this.stats.snapshot()) {
      // A set-up of a type this host does not load has no loop, by design; nor has an intake-only instance.
      if (
        this.config.role !== 'intake' &&
        connector.enabled &&
        this.registry.get(connector.type) !== undefined &&
        !loops.has(connector.id)
      ) {
        problems.push(`delivery loop of connector ${connector.id} is not running`);
      }
      if (connector.pending >= this.config.maxBacklogPerConnector)
        problems.push(`connector ${connector.id} is at its backlog cap (${connector.pending})`);
    }
    return problems.length === 0 ? indicator.up() : indicator.down({ problems });
  }
}
