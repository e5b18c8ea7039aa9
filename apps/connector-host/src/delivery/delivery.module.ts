import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ConnectorSdkModule } from '@event-connectors/connector-sdk';
import { ObservabilityModule } from '../observability/observability.module.js';
import { SetupsModule } from '../setups/setups.module.js';
import { StoreModule } from '../store/store.module.js';
import { DeadLetterRetention } from './dead-letter-retention.js';
import { DeadLettersService } from './dead-letters.service.js';
import { DeliveriesService } from './deliveries.service.js';
import { DeliveryHealthIndicator } from './delivery-health.indicator.js';
import { DeliveryTraceModule } from '../trace/delivery-trace.module.js';
import { HistoryModule } from '../history/history.module.js';

/**
 * Delivery as the HTTP side sees it: readiness, what became of messages, dead letters and their replay. The loops themselves
 * (delivery-engine.module.ts) run where `DeliveryControl` says: on this event loop or on delivery's thread.
 */
@Module({
  imports: [ConnectorSdkModule, StoreModule, SetupsModule, ObservabilityModule, TerminusModule, DeliveryTraceModule, HistoryModule],
  providers: [DeadLettersService, DeadLetterRetention, DeliveriesService, DeliveryHealthIndicator],
  exports: [DeadLettersService, DeliveriesService, DeliveryHealthIndicator],
})
export class DeliveryModule {}
