// The only door into the webhook connector library (test helpers: ./testing).
export { WEBHOOK_CONNECTOR_OPTIONS, WebhookConnectorModule } from './webhook-connector.module.js';
export type { WebhookConnectorOptions } from './webhook-connector.options.js';
export { WebhookConnector } from './webhook.connector.js';
export { WebhookSettings } from './webhook.settings.js';
export { generateSigningSecret, signatureHeaders, webhookId } from './webhook-signature.js';
