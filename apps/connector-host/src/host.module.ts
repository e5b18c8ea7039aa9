import { ADMIN_THROTTLER } from './api/admin-throttler.js';
import type { Principal } from './api/auth/access-tokens.js';
import { type DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { ConnectorSdkModule } from '@event-connectors/connector-sdk';
import { ApiModule } from './api/api.module.js';
import { AlertsModule } from './alerts/alerts.module.js';
import { HostConfigModule } from './config/host-config.module.js';
import type { HostConfig } from './config/host.config.js';
import { ClusterModule } from './cluster/cluster.module.js';
import { DeliveryModule } from './delivery/delivery.module.js';
import { DeliveryPlacementModule } from './placement/delivery-placement.module.js';
import type { DeliveryThreadOptions } from './placement/thread/delivery-thread.js';
import { HealthModule } from './health/health.module.js';
import { IntakeModule } from './intake/intake.module.js';
import { loggingModule } from './observability/logging.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { SetupsModule } from './setups/setups.module.js';
import { IssuedValuesMigration } from './setups/issued-values-migration.js';
import { StoreModule } from './store/store.module.js';
import { WriteLock } from './store/sqlite/write-lock.js';
import { WriteLockModule } from './store/sqlite/write-lock.module.js';

export interface HostModuleOptions {
  config: HostConfig;
  /** The connector modules to load, e.g. `[KinesisConnectorModule.forRoot({ … })]`: the host knows no connector itself. */
  connectors: DynamicModule[];
  /** How to start delivery's own thread; without it the delivery loops run on the host's event loop. */
  deliveryThread?: DeliveryThreadOptions;
}

/**
 * The connector host, composed of its feature modules: store, set-ups, intake, delivery, the HTTP API, health and
 * observability, plus the connector modules it is given (their connectors reach it through the SDK's registry).
 */
@Module({})
export class HostModule {
  static forRoot({ config, connectors, deliveryThread }: HostModuleOptions): DynamicModule {
    return {
      module: HostModule,
      imports: [
        HostConfigModule.forRoot(config),
        WriteLockModule.forRoot(new WriteLock()),
        loggingModule(config),
        ThrottlerModule.forRoot({
          throttlers: [{ name: ADMIN_THROTTLER, ttl: 60_000, limit: config.adminRateLimitPerMinute }],
          // Per token (the auth guard ran first), so clients behind one address do not share a limit, and one
          // client cannot escape its own by spreading over addresses.
          getTracker: (request) => {
            const { principal, ip } = request as { principal?: Principal; ip: string };
            return principal?.key ?? ip;
          },
        }),
        ConnectorSdkModule,
        ...connectors,
        ObservabilityModule,
        StoreModule,
        SetupsModule,
        IntakeModule,
        DeliveryPlacementModule.forRoot(deliveryThread, config.role),
        ClusterModule,
        DeliveryModule,
        HealthModule,
        AlertsModule,
        ApiModule,
      ],
      // The host's own start-up work (delivery's thread loads the set-ups module too, but never migrates).
      providers: [IssuedValuesMigration],
    };
  }
}
