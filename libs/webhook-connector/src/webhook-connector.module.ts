import { defineConnectorModule } from '@event-connectors/connector-sdk';
import { RESOLVED_WEBHOOK_OPTIONS, resolveWebhookOptions } from './webhook-connector.options.js';
import { WebhookConnector } from './webhook.connector.js';

const { ConnectorModule, OPTIONS } = defineConnectorModule({
  connector: WebhookConnector,
  resolvedOptions: RESOLVED_WEBHOOK_OPTIONS,
  resolve: resolveWebhookOptions,
});

/** Token of the options as given to `forRoot` (before defaults). */
export const WEBHOOK_CONNECTOR_OPTIONS = OPTIONS;

/**
 * The webhook plugin: provides the `webhook` connector type for the host's registry to find.
 * `WebhookConnectorModule.forRoot({ blockPrivateNetworks, allowedNetworks, … })` or `.forRootAsync(…)`.
 * It reads nothing from the environment and opens no socket until a set-up is used.
 */
export class WebhookConnectorModule extends ConnectorModule {}
