import { readFileSync } from 'node:fs';
import { type WebhookConnectorOptions, WebhookConnectorModule } from '@event-connectors/webhook-connector';
import type { ConnectorPlugin } from './connector-plugin.js';

/**
 * The webhook connector, configured from WEBHOOK_*. In production it sends https only and never to loopback,
 * private, link-local or reserved addresses, unless WEBHOOK_ALLOWED_NETWORKS lists them; in development plain
 * http to loopback is allowed, and WEBHOOK_BLOCK_PRIVATE_NETWORKS=true turns the production guard on.
 */
export const webhookPlugin: ConnectorPlugin<WebhookConnectorOptions> = {
  options(env, host) {
    const block = env.bool('WEBHOOK_BLOCK_PRIVATE_NETWORKS', host.production);
    if (host.production && !block)
      env.refuse(
        'WEBHOOK_BLOCK_PRIVATE_NETWORKS=false is refused when APP_ENV=production: list the networks to allow in WEBHOOK_ALLOWED_NETWORKS',
      );
    const concurrency = env.int('WEBHOOK_CONCURRENCY', 16, 1, 1024);
    return {
      blockPrivateNetworks: block || host.production,
      allowedNetworks: env.list('WEBHOOK_ALLOWED_NETWORKS'),
      allowHttpToLoopback: !host.production,
      extraCaCertificates: env.list('WEBHOOK_CA_FILES').map((path) => readFileSync(path, 'utf8')),
      // Sharing a store, calls must end well within a partition lease (host.callBudgetMs): shorter defaults.
      connectTimeoutMs: env.int('WEBHOOK_CONNECT_TIMEOUT_MS', host.sharedStore ? 1000 : 5000, 1, 120_000),
      requestTimeoutMs: env.int('WEBHOOK_REQUEST_TIMEOUT_MS', host.sharedStore ? 2000 : 15_000, 1, 600_000),
      maxConcurrentRequests: concurrency,
      // Sharing a store: one round of requests per call, so a call ends within a lease.
      ...(host.sharedStore ? { maxBatchMessages: concurrency } : {}),
    };
  },
  module: (options) => WebhookConnectorModule.forRoot(options),
};
