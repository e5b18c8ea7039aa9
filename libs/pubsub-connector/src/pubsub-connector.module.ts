import { defineConnectorModule } from '@event-connectors/connector-sdk';
import { RESOLVED_PUBSUB_OPTIONS, resolvePubSubOptions } from './pubsub-connector.options.js';
import { PubSubConnector } from './pubsub.connector.js';

const { ConnectorModule, OPTIONS } = defineConnectorModule({
  connector: PubSubConnector,
  resolvedOptions: RESOLVED_PUBSUB_OPTIONS,
  resolve: resolvePubSubOptions,
});

/** Token of the options as given to `forRoot` (before defaults). */
export const PUBSUB_CONNECTOR_OPTIONS = OPTIONS;

/**
 * The Pub/Sub plugin: provides the `pubsub` connector type for the host's registry to find.
 * `PubSubConnectorModule.forRoot({ requestTimeoutMs, allowEmulator })` or `.forRootAsync(…)`.
 * It reads nothing from the environment and opens no connection until a set-up is used.
 */
export class PubSubConnectorModule extends ConnectorModule {}
