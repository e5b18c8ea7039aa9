import { Module } from '@nestjs/common';
import { ConnectorSdkModule } from '@event-connectors/connector-sdk';
import { ObservabilityModule } from '../observability/observability.module.js';
import { SetupsModule } from '../setups/setups.module.js';
import { StoreModule } from '../store/store.module.js';
import { DeadLetterQuota } from './dead-letter-quota.js';
import { DeliveryObserver } from './delivery-observer.js';
import { DeliveryFacts } from './delivery-facts.js';
import { DeliveryService } from './delivery.service.js';
import { SettlementBatcher } from './settlement-batcher.js';

/**
 * The delivery loops and what they need: the store, the set-ups they open, metrics. Knows nothing
 * of intake or HTTP, so it runs on the host's event loop or alone on delivery's thread.
 */
@Module({
  imports: [ConnectorSdkModule, StoreModule, SetupsModule, ObservabilityModule],
  providers: [DeliveryService, SettlementBatcher, DeliveryObserver, DeadLetterQuota, DeliveryFacts],
  exports: [DeliveryService],
})
export class DeliveryEngineModule {}
