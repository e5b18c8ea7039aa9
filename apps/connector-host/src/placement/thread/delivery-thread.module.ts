import type { MessagePort } from 'node:worker_threads';
import { type DynamicModule, Module } from '@nestjs/common';
import { ConnectorSdkModule } from '@event-connectors/connector-sdk';
import { HostConfigModule } from '../../config/host-config.module.js';
import type { HostConfig } from '../../config/host.config.js';
import { DeliveryEngineModule } from '../../delivery/delivery-engine.module.js';
import { loggingModule } from '../../observability/logging.module.js';
import { ObservabilityModule } from '../../observability/observability.module.js';
import { SetupsModule } from '../../setups/setups.module.js';
import { StoreModule } from '../../store/store.module.js';
import { WriteLock } from '../../store/sqlite/write-lock.js';
import { WriteLockModule } from '../../store/sqlite/write-lock.module.js';
import { HOST_PORT, THREAD_DATA, ThreadLink } from './thread-link.js';
import type { DeliveryThreadData } from './thread-messages.js';

export interface DeliveryThreadModuleOptions {
  config: HostConfig;
  connectors: DynamicModule[];
  port: MessagePort;
  data: DeliveryThreadData;
}

/** Delivery's thread: the loops, the store (its own connection), the set-ups they open, and the link to the host. */
@Module({})
export class DeliveryThreadModule {
  static forRoot({ config, connectors, port, data }: DeliveryThreadModuleOptions): DynamicModule {
    return {
      module: DeliveryThreadModule,
      imports: [
        HostConfigModule.forRoot(config),
        WriteLockModule.forRoot(new WriteLock(data.writeLock)),
        loggingModule(config),
        ConnectorSdkModule,
        ...connectors,
        ObservabilityModule,
        StoreModule,
        SetupsModule,
        DeliveryEngineModule,
      ],
      providers: [{ provide: HOST_PORT, useValue: port }, { provide: THREAD_DATA, useValue: data }, ThreadLink],
    };
  }
}
