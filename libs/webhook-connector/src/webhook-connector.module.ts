import { Module } from '@nestjs/common';
import {
  RESOLVED_WEBHOOK_OPTIONS,
  WEBHOOK_CONNECTOR_OPTIONS,
  WebhookConnectorConfigurableModule,
} from './webhook-connector.module-definition.js';
import { resolveWebhookOptions, type WebhookConnectorOptions } from './webhook-connector.options.js';
import { WebhookConnector } from './webhook.connector.js';

/**
 * The webhook plugin: provides the `webhook` connector type for the host's registry to find.
 * `WebhookConnectorModule.forRoot({ blockPrivateNetworks, allowedNetworks, … })` or `.forRootAsync(…)`.
 * It reads nothing from the environment and opens no socket until a set-up is used.
 */
@Module({
  providers: [
    {
      provide: RESOLVED_WEBHOOK_OPTIONS,
      inject: [WEBHOOK_CONNECTOR_OPTIONS],
      useFactory: (options: WebhookConnectorOptions) => resolveWebhookOptions(options),
    },
    WebhookConnector,
  ],
  exports: [WebhookConnector],
})
export class WebhookConnectorModule extends WebhookConnectorConfigurableModule {}
