import { type PubSubConnectorOptions, PubSubConnectorModule } from '@event-connectors/pubsub-connector';
import type { ConnectorPlugin } from './connector-plugin.js';

/**
 * The Google Cloud Pub/Sub connector, configured from PUBSUB_*. A set-up may name an emulator (its
 * `emulatorEndpoint`, reached without credentials) only where PUBSUB_ALLOW_EMULATOR is true: by default in
 * development, never in production, where every set-up reaches Google with its own service-account key.
 */
export const pubsubPlugin: ConnectorPlugin<PubSubConnectorOptions> = {
  options(env, host) {
    const allowEmulator = env.bool('PUBSUB_ALLOW_EMULATOR', !host.production);
    if (allowEmulator && host.production)
      env.refuse('PUBSUB_ALLOW_EMULATOR=true is for development: refused when APP_ENV=production (set-ups reach Google with their keys)');
    return {
      allowEmulator: allowEmulator && !host.production,
      // Sharing a store, calls must end well within a partition lease (host.callBudgetMs): a shorter default.
      requestTimeoutMs: env.int('PUBSUB_REQUEST_TIMEOUT_MS', host.sharedStore ? 2000 : 15_000, 1, 600_000),
      // Publishes in flight per set-up (each its own request on the set-up's one channel); also a call's most messages.
      concurrency: env.int('PUBSUB_CONCURRENCY', 100, 1, 1000),
    };
  },
  module: (options) => PubSubConnectorModule.forRoot(options),
};
