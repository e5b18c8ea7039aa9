import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { DeliveryLimits } from '../../event-connector.js';
import type { FakeDestinations } from './fake-destination.js';

export interface FakeConnectorOptions {
  /** The scripted destinations the test holds on to. */
  destinations: FakeDestinations;
  /** Type id; default `fake`. */
  type?: string;
  /** Limits of one deliver call; default 500 messages, 5 MiB. */
  limits?: DeliveryLimits;
}

export const { ConfigurableModuleClass: FakeConnectorConfigurableModule, MODULE_OPTIONS_TOKEN: FAKE_CONNECTOR_OPTIONS } =
  new ConfigurableModuleBuilder<FakeConnectorOptions>().setClassMethodName('forRoot').build();
