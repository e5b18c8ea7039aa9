import type {
  CheckContext,
  CheckResult,
  ConnectorInstance,
  DeliveryLimits,
  DeliveryMessage,
  DeliveryOutcome,
  DeliverOptions,
} from '@event-connectors/connector-sdk';

/**
 * A connector's open instance, shared by the delivery calls in flight on it. When its set-up changes or it sits
 * idle it is retired: closed at once if no call is in flight, else when the last one ends, so a set-up edit never
 * cuts off a call that is already on the wire (which would then fail and go again).
 */
export class SharedInstance implements ConnectorInstance {
  private inFlight = 0;
  private retired = false;
  private closing?: Promise<void>;

  constructor(private readonly inner: ConnectorInstance) {}

  get limits(): DeliveryLimits {
    return this.inner.limits;
  }

  /** Calls in flight on it now. */
  get calls(): number {
    return this.inFlight;
  }

  check(context?: CheckContext): Promise<CheckResult> {
    return this.inner.check(context);
  }

  async deliver(messages: readonly DeliveryMessage[], options?: DeliverOptions): Promise<DeliveryOutcome[]> {
    this.inFlight++;
    try {
      return await this.inner.deliver(messages, options);
    } finally {
      this.inFlight--;
      if (this.retired && this.inFlight === 0) void this.closeNow();
    }
  }

  /** Closes now if no call is in flight, else once the last one ends; resolves once no longer in use. */
  close(): Promise<void> {
    this.retired = true;
    return this.inFlight === 0 ? this.closeNow() : Promise.resolve();
  }

  private closeNow(): Promise<void> {
    this.closing ??= this.inner.close();
    return this.closing;
  }
}
