import { Module } from '@nestjs/common';
import { DeliveryTrace } from './delivery-trace.js';

/** The trace ring, one per event loop: intake's skips and (inline) the deliveries land in the same one. */
@Module({ providers: [DeliveryTrace], exports: [DeliveryTrace] })
export class DeliveryTraceModule {}
