import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { WebhookConnectorOptions } from './webhook-connector.options.js';

// forRoot(options) and forRootAsync({ imports, inject, useFactory }), as Nest's own modules offer them.
export const {
  ConfigurableModuleClass: WebhookConnectorConfigurableModule,
  MODULE_OPTIONS_TOKEN: WEBHOOK_CONNECTOR_OPTIONS,
  OPTIONS_TYPE: WEBHOOK_CONNECTOR_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: WEBHOOK_CONNECTOR_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<WebhookConnectorOptions>().setClassMethodName('forRoot').build();

/** Injection token of the checked options, defaults filled in. */
export const RESOLVED_WEBHOOK_OPTIONS = Symbol('RESOLVED_WEBHOOK_OPTIONS');
