import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ConnectorSdkModule } from '@event-connectors/connector-sdk';
import { IntakeModule } from '../intake/intake.module.js';
import { ObservabilityModule } from '../observability/observability.module.js';
import { SetupsModule } from '../setups/setups.module.js';
import { StoreModule } from '../store/store.module.js';
import { DeadLettersService } from './dead-letters.service.js';
import { DeliveriesService } from './deliveries.service.js';
import { DeliveryHealthIndicator } from './delivery-health.indicator.js';
import { DeliveryObserver } from './delivery-observer.js';
import { DeliveryTrace } from './delivery-trace.js';
import { DeliveryService } from './delivery.service.js';
import { SettlementBatcher } from './settlement-batcher.js';
import { SkipRecorder } from './skip-recorder.js';

/** Delivery: one loop per enabled connector, outcomes settled in the store, the trace, dead letters and their replay. */
@Module({
  imports: [ConnectorSdkModule, StoreModule, SetupsModule, IntakeModule, ObservabilityModule, TerminusModule],
  providers: [
    DeliveryService,
    SettlementBatcher,
    DeliveryObserver,
    DeliveryTrace,
    SkipRecorder,
    DeadLettersService,
    DeliveriesService,
    DeliveryHealthIndicator,
  ],
  exports: [DeliveryService, DeadLettersService, DeliveriesService, DeliveryHealthIndicator],
})
export class DeliveryModule {}
