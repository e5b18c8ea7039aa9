// PutRecords limits, from the Kinesis Data Streams API reference (PutRecords, "Service quotas and limits").

/** Most records in one PutRecords request. */
export const MAX_RECORDS_PER_REQUEST = 500;
/** Most bytes (data blobs plus partition keys) in one PutRecords request; the classic, universally enforced limit. */
export const MAX_REQUEST_BYTES = 5 * 1024 * 1024;
/** A stream's record size limit unless DescribeStreamSummary reports another (MaxRecordSizeInKiB). */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
/** Largest MaxRecordSizeInKiB a stream can be given (10 MiB); a record can never exceed one request either. */
export const LARGEST_MAX_RECORD_BYTES = 10 * 1024 * 1024;
/** A partition key is 1 to 256 Unicode characters. */
export const MAX_PARTITION_KEY_CHARS = 256;
