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

/** Injection token of the options. */
export const FAKE_CONNECTOR_OPTIONS = Symbol('FAKE_CONNECTOR_OPTIONS');
