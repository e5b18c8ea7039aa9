import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ConnectorRegistry, type EventConnector } from '@event-connectors/connector-sdk';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { DEFAULT_MAX_CALL_MS } from '../delivery/lease-budget.js';

/**
 * The timing rule of a shared store, checked once at boot for every loaded connector: a call must end within a
 * partition lease less its margin, or no call of that connector could ever start (a new owner must never send a
 * profile's earlier message while this instance could still land a later one). The host refuses to start, naming
 * the connector, rather than deliver nothing for it.
 */
@Injectable()
export class CallBudgetCheck implements OnApplicationBootstrap {
  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly registry: ConnectorRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const problems = callsOutlastingLeases(this.registry.all(), this.config);
    if (problems.length > 0) throw new Error(problems.join('; '));
  }
}

/** What refuses the boot: one line per connector whose longest call does not fit a lease (none on SQLite, or on an intake instance). */
export function callsOutlastingLeases(connectors: readonly EventConnector[], config: HostConfig): string[] {
  if (config.databaseUrl === undefined || config.role === 'intake') return [];
  const { leaseTtlMs, leaseMarginMs } = config.cluster;
  return connectors.flatMap((connector) => {
    const maxCallMs = connector.maxCallMs ?? DEFAULT_MAX_CALL_MS;
    if (maxCallMs + leaseMarginMs < leaseTtlMs) return [];
    return [
      `connector type "${connector.type}" may take ${maxCallMs} ms per call (its timeouts): with LEASE_MARGIN_MS (${leaseMarginMs}) that does not fit in LEASE_TTL_MS (${leaseTtlMs}); lower its timeouts or raise LEASE_TTL_MS`,
    ];
  });
}
