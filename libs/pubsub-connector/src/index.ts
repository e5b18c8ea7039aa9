// The only door into the Pub/Sub connector library (test helpers: ./testing).
export { PUBSUB_CONNECTOR_OPTIONS, PubSubConnectorModule } from './pubsub-connector.module.js';
export type { PubSubConnectorOptions } from './pubsub-connector.options.js';
export { PubSubConnector } from './pubsub.connector.js';
export { PubSubSettings } from './pubsub.settings.js';
