import { Inject, Injectable } from '@nestjs/common';
import type {
  CheckResult,
  ConnectorInstance,
  ConnectorSetup,
  DeliveryLimits,
  DeliveryMessage,
  DeliveryOutcome,
  DeliverOptions,
  EventConnector,
} from '../../event-connector.js';
import { Connector } from '../../registry/connector.decorator.js';
import type { FakeDestination } from './fake-destination.js';
import { FAKE_CONNECTOR_OPTIONS, type FakeConnectorOptions } from './fake-connector.options.js';
import { FakeSettings } from './fake.settings.js';

/** A connector with scripted outcomes, for host tests that need no real destination. */
@Connector()
@Injectable()
export class FakeConnector implements EventConnector<FakeSettings> {
  readonly type: string;
  readonly displayName = 'Scripted destination (tests)';
  readonly settingsClass = FakeSettings;
  private readonly limits: DeliveryLimits;

  constructor(@Inject(FAKE_CONNECTOR_OPTIONS) private readonly options: FakeConnectorOptions) {
    this.type = options.type ?? 'fake';
    this.limits = options.limits ?? { maxBatchMessages: 500, maxBatchBytes: 5 * 1024 * 1024 };
  }

  open(setup: ConnectorSetup<FakeSettings>): ConnectorInstance {
    return new FakeInstance(this.options.destinations.get(setup.settings.destination), setup.settings.token, this.limits);
  }
}

class FakeInstance implements ConnectorInstance {
  constructor(
    private readonly destination: FakeDestination,
    private readonly token: string,
    readonly limits: DeliveryLimits,
  ) {}

  async check(): Promise<CheckResult> {
    return this.destination.check(this.token);
  }

  async deliver(messages: readonly DeliveryMessage[], options: DeliverOptions = {}): Promise<DeliveryOutcome[]> {
    if (messages.length === 0) return [];
    return this.destination.deliver(messages, this.token, options.signal);
  }

  async close(): Promise<void> {}
}
