// The only door into the Kinesis connector library (development and test helpers: ./dev and ./testing).
export { KINESIS_CONNECTOR_OPTIONS, KinesisConnectorModule } from './kinesis-connector.module.js';
export type { KinesisConnectorOptions } from './kinesis-connector.options.js';
export { KinesisConnector } from './kinesis.connector.js';
export { KinesisSettings } from './kinesis.settings.js';
export { KINESIS_ERRORS, type KinesisErrorRow, classifyError } from './kinesis.errors.js';
// The lean PutRecords path, for callers who send pre-built batches themselves (the benchmark measures it).
export {
  PutRecordsSender,
  type PutRecordsSenderOptions,
  type OutgoingRecord,
  type PutRecordsResultEntry,
} from './put-records/put-records-sender.js';
