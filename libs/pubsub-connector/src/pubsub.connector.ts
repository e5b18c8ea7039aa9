import { Inject, Injectable } from '@nestjs/common';
import {
  Connector,
  type ConnectorInstance,
  type ConnectorSetup,
  type EventConnector,
  type FieldError,
} from '@event-connectors/connector-sdk';
import { longestCallMs, RESOLVED_PUBSUB_OPTIONS, type ResolvedPubSubOptions } from './pubsub-connector.options.js';
import { PubSubInstance } from './pubsub.instance.js';
import { MAX_MESSAGE_BYTES } from './pubsub.limits.js';
import { PubSubSettings } from './pubsub.settings.js';

/** Google Cloud Pub/Sub: each message published to the set-up's topic, ordered per profile. */
@Connector()
@Injectable()
export class PubSubConnector implements EventConnector<PubSubSettings> {
  readonly type = 'pubsub';
  readonly displayName = 'Google Cloud Pub/Sub';
  readonly settingsClass = PubSubSettings;
  readonly maxMessageBytes = MAX_MESSAGE_BYTES;

  constructor(@Inject(RESOLVED_PUBSUB_OPTIONS) private readonly options: ResolvedPubSubOptions) {}

  get maxCallMs(): number {
    return longestCallMs(this.options);
  }

  open(setup: ConnectorSetup<PubSubSettings>): ConnectorInstance {
    return new PubSubInstance(setup, this.options);
  }

  /** An emulator only where the deployment allows one (development): in production a set-up reaches Google alone. */
  async vetSettings(settings: PubSubSettings): Promise<FieldError[]> {
    if (settings.emulatorEndpoint === undefined || this.options.allowEmulator) return [];
    return [
      {
        field: 'settings.emulatorEndpoint',
        message: 'settings.emulatorEndpoint is for development: this deployment allows no Pub/Sub emulator',
      },
    ];
  }
}
