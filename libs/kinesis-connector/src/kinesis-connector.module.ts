import { defineConnectorModule } from '@event-connectors/connector-sdk';
import { RESOLVED_KINESIS_OPTIONS, resolveKinesisOptions } from './kinesis-connector.options.js';
import { KinesisConnector } from './kinesis.connector.js';

const { ConnectorModule, OPTIONS } = defineConnectorModule({
  connector: KinesisConnector,
  resolvedOptions: RESOLVED_KINESIS_OPTIONS,
  resolve: resolveKinesisOptions,
});

/** Token of the options as given to `forRoot` (before defaults). */
export const KINESIS_CONNECTOR_OPTIONS = OPTIONS;

/**
 * The Kinesis plugin: provides the `kinesis` connector type for the host's registry to find.
 * `KinesisConnectorModule.forRoot({ endpoint? })` or `.forRootAsync({ imports, inject, useFactory })`.
 * It reads nothing from the environment and starts nothing: clients are built per set-up, when one is opened.
 */
export class KinesisConnectorModule extends ConnectorModule {}
