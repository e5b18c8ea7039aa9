import type { DeliveryMessage } from '@event-connectors/connector-sdk';
import { MAX_PARTITION_KEY_CHARS, MAX_RECORDS_PER_REQUEST, MAX_REQUEST_BYTES } from './kinesis.limits.js';

/** Why a message can never be put, whatever the retry. */
export interface UnsendableMessage {
  index: number;
  code: 'RecordTooLarge' | 'InvalidPartitionKey';
  message: string;
}

/** PutRecords requests, as indices into the input, in input order; what cannot be sent at all; what waits. */
export interface BatchPlan {
  requests: number[][];
  unsendable: UnsendableMessage[];
  /** Records within the API's limits but over `holdAboveBytes`: not sent this time. */
  held: number[];
}

/** Bytes Kinesis counts for one record: the data blob plus the partition key, both UTF-8. */
export function recordBytes(message: DeliveryMessage): number {
  return Buffer.byteLength(message.body, 'utf8') + Buffer.byteLength(message.partitionKey, 'utf8');
}

/**
 * Splits messages into PutRecords requests within the API limits (records per request, bytes per request)
 * and the stream's record size limit. Pure. Order is kept: request k holds only messages after request k-1's.
 */
export function planPutRecords(
  messages: readonly DeliveryMessage[],
  maxRecordBytes: number,
  maxRequestRecords = MAX_RECORDS_PER_REQUEST,
  maxRequestBytes = MAX_REQUEST_BYTES,
  holdAboveBytes = Infinity,
): BatchPlan {
  const requests: number[][] = [];
  const unsendable: UnsendableMessage[] = [];
  const held: number[] = [];
  let current: number[] = [];
  let currentBytes = 0;
  messages.forEach((message, index) => {
    const keyChars = [...message.partitionKey].length;
    if (keyChars < 1 || keyChars > MAX_PARTITION_KEY_CHARS) {
      unsendable.push({
        index,
        code: 'InvalidPartitionKey',
        message: `partition key must be 1 to ${MAX_PARTITION_KEY_CHARS} characters, got ${keyChars}`,
      });
      return;
    }
    const bytes = recordBytes(message);
    const limit = Math.min(maxRecordBytes, maxRequestBytes);
    if (bytes > limit) {
      unsendable.push({ index, code: 'RecordTooLarge', message: `record is ${bytes} bytes, the stream takes at most ${limit}` });
      return;
    }
    if (bytes > holdAboveBytes) {
      held.push(index);
      return;
    }
    if (current.length === maxRequestRecords || currentBytes + bytes > maxRequestBytes) {
      requests.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(index);
    currentBytes += bytes;
  });
  if (current.length > 0) requests.push(current);
  return { requests, unsendable, held };
}
