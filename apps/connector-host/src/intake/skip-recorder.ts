import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { IntakeNotifications } from './intake-notifications.js';
import { DeliveryTrace } from '../trace/delivery-trace.js';

/** Puts the skips of every committed request (no binding, no partner id, …) in the delivery trace, with why. */
@Injectable()
export class SkipRecorder implements OnModuleDestroy {
  private readonly subscription?: Subscription;

  constructor(trace: DeliveryTrace, notifications: IntakeNotifications) {
    if (!trace.enabled) return;
    this.subscription = notifications.committed$.subscribe(({ routed, acceptedAt }) =>
      trace.write(routed.skips.map((skip) => ({ ...skip, status: 'skipped' as const, acceptedAt, at: acceptedAt }))),
    );
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
