// The only door into the Kinesis connector library.
export { KinesisConnectorModule } from './kinesis-connector.module.js';
export { KinesisConnector } from './kinesis.connector.js';
export { KinesisSettings } from './kinesis.settings.js';
export { readKinesisConfig, type KinesisDeploymentConfig } from './kinesis.config.js';
export { KINESIS_ERROR_CLASSES, classifyError } from './kinesis.errors.js';
