import { type DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { ConnectorSdkModule } from '@event-connectors/connector-sdk';
import { ApiModule } from './api/api.module.js';
import { HostConfigModule } from './config/host-config.module.js';
import type { HostConfig } from './config/host.config.js';
import { DeliveryModule } from './delivery/delivery.module.js';
import { HealthModule } from './health/health.module.js';
import { IntakeModule } from './intake/intake.module.js';
import { loggingModule } from './observability/logging.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { SetupsModule } from './setups/setups.module.js';
import { StoreModule } from './store/store.module.js';

export interface HostModuleOptions {
  config: HostConfig;
  /** The connector modules to load, e.g. `[KinesisConnectorModule.forRoot({ … })]`: the host knows no connector itself. */
  connectors: DynamicModule[];
}

/**
 * The connector host, composed of its feature modules: store, set-ups, intake, delivery, the HTTP API, health and
 * observability, plus the connector modules it is given (their connectors reach it through the SDK's registry).
 */
@Module({})
export class HostModule {
  static forRoot({ config, connectors }: HostModuleOptions): DynamicModule {
    return {
      module: HostModule,
      imports: [
        HostConfigModule.forRoot(config),
        loggingModule(config),
        ThrottlerModule.forRoot({ throttlers: [{ name: 'admin', ttl: 60_000, limit: config.adminRateLimitPerMinute }] }),
        ConnectorSdkModule,
        ...connectors,
        ObservabilityModule,
        StoreModule,
        SetupsModule,
        IntakeModule,
        DeliveryModule,
        HealthModule,
        ApiModule,
      ],
    };
  }
}
