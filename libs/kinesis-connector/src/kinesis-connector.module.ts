import { Module } from '@nestjs/common';
import {
  KINESIS_CONNECTOR_OPTIONS,
  KinesisConnectorConfigurableModule,
  RESOLVED_KINESIS_OPTIONS,
} from './kinesis-connector.module-definition.js';
import { type KinesisConnectorOptions, resolveKinesisOptions } from './kinesis-connector.options.js';
import { KinesisConnector } from './kinesis.connector.js';

/**
 * The Kinesis plugin: provides the `kinesis` connector type for the host's registry to find.
 * `KinesisConnectorModule.forRoot({ endpoint? })` or `.forRootAsync({ imports, inject, useFactory })`.
 * It reads nothing from the environment and starts nothing: clients are built per set-up, when one is opened.
 */
@Module({
  providers: [
    {
      provide: RESOLVED_KINESIS_OPTIONS,
      inject: [KINESIS_CONNECTOR_OPTIONS],
      useFactory: (options: KinesisConnectorOptions) => resolveKinesisOptions(options),
    },
    KinesisConnector,
  ],
  exports: [KinesisConnector],
})
export class KinesisConnectorModule extends KinesisConnectorConfigurableModule {}
