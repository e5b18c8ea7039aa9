import { type DynamicModule, Module } from '@nestjs/common';
import { DeliveryControl } from '../delivery/delivery-control.js';
import { DeliveryEngineModule } from '../delivery/delivery-engine.module.js';
import { InlineDelivery } from './inline-delivery.js';
import { NoDelivery } from './no-delivery.js';
import type { HostRole } from '../config/host.config.js';
import { SetupsModule } from '../setups/setups.module.js';
import { StoreModule } from '../store/store.module.js';
import { DELIVERY_THREAD_OPTIONS, DeliveryThread, type DeliveryThreadOptions } from './thread/delivery-thread.js';

/**
 * Where the delivery loops run: on delivery's own thread when `thread` is given, else on the host's event loop;
 * nowhere on an intake-only instance. Either way the rest of the host sees one `DeliveryControl`.
 */
@Module({})
export class DeliveryPlacementModule {
  static forRoot(thread: DeliveryThreadOptions | undefined, role: HostRole = 'all'): DynamicModule {
    if (role === 'intake') {
      return {
        module: DeliveryPlacementModule,
        global: true,
        providers: [NoDelivery, { provide: DeliveryControl, useExisting: NoDelivery }],
        exports: [DeliveryControl],
      };
    }
    if (thread) {
      return {
        module: DeliveryPlacementModule,
        global: true,
        imports: [StoreModule, SetupsModule],
        providers: [
          { provide: DELIVERY_THREAD_OPTIONS, useValue: thread },
          DeliveryThread,
          { provide: DeliveryControl, useExisting: DeliveryThread },
        ],
        exports: [DeliveryControl],
      };
    }
    return {
      module: DeliveryPlacementModule,
      global: true,
      imports: [DeliveryEngineModule],
      providers: [InlineDelivery, { provide: DeliveryControl, useExisting: InlineDelivery }],
      exports: [DeliveryControl],
    };
  }
}
