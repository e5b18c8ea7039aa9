import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { KinesisConnectorOptions } from './kinesis-connector.options.js';

// forRoot(options) and forRootAsync({ imports, inject, useFactory }), as Nest's own modules offer them.
export const {
  ConfigurableModuleClass: KinesisConnectorConfigurableModule,
  MODULE_OPTIONS_TOKEN: KINESIS_CONNECTOR_OPTIONS,
  OPTIONS_TYPE: KINESIS_CONNECTOR_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: KINESIS_CONNECTOR_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<KinesisConnectorOptions>().setClassMethodName('forRoot').build();

/** Injection token of the checked options, defaults filled in. */
export const RESOLVED_KINESIS_OPTIONS = Symbol('RESOLVED_KINESIS_OPTIONS');
