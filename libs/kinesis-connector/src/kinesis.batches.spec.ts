import type { DeliveryMessage } from '@event-connectors/connector-sdk';
import { describe, expect, it } from 'vitest';
import { planPutRecords, recordBytes } from './kinesis.batches.js';
import { DEFAULT_MAX_RECORD_BYTES, MAX_RECORDS_PER_REQUEST, MAX_REQUEST_BYTES } from './kinesis.limits.js';

const message = (i: number, bodyBytes = 10, key = `p${i}`): DeliveryMessage => ({
  id: String(i),
  partitionKey: key,
  body: 'x'.repeat(bodyBytes),
});

describe('planPutRecords', () => {
  it('puts up to 500 records in one request, then starts another, keeping order', () => {
    const messages = Array.from({ length: 1201 }, (_, i) => message(i));
    const { requests, unsendable } = planPutRecords(messages, DEFAULT_MAX_RECORD_BYTES);
    expect(unsendable).toEqual([]);
    expect(requests.map((request) => request.length)).toEqual([MAX_RECORDS_PER_REQUEST, MAX_RECORDS_PER_REQUEST, 201]);
    expect(requests.flat()).toEqual(messages.map((_, i) => i));
  });

  it('starts a new request before the request byte limit is crossed, counting keys too', () => {
    const big = 1024 * 1024 - 10; // with its 2-byte key, just under 1 MiB
    const messages = Array.from({ length: 6 }, (_, i) => message(i, big));
    const { requests } = planPutRecords(messages, DEFAULT_MAX_RECORD_BYTES);
    expect(requests.map((request) => request.length)).toEqual([5, 1]);
    for (const request of requests) {
      expect(request.reduce((sum, index) => sum + recordBytes(messages[index]), 0)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    }
  });

  it('counts bytes as UTF-8, not characters', () => {
    expect(recordBytes({ id: '1', partitionKey: 'é', body: '€' })).toBe(2 + 3);
  });

  it("refuses a record over the stream's record size, and only that one", () => {
    const messages = [message(0), message(1, DEFAULT_MAX_RECORD_BYTES), message(2)];
    const { requests, unsendable } = planPutRecords(messages, DEFAULT_MAX_RECORD_BYTES);
    expect(requests).toEqual([[0, 2]]);
    expect(unsendable).toEqual([{ index: 1, code: 'RecordTooLarge', message: expect.stringContaining('at most 1048576') }]);
  });

  it('takes a larger record when the stream allows it, up to the request limit', () => {
    const twoMiB = message(0, 2 * 1024 * 1024);
    expect(planPutRecords([twoMiB], 10 * 1024 * 1024).requests).toEqual([[0]]);
    expect(planPutRecords([message(0, 6 * 1024 * 1024)], 10 * 1024 * 1024).unsendable[0].code).toBe('RecordTooLarge');
  });

  it('refuses an empty or over-long partition key', () => {
    const { requests, unsendable } = planPutRecords(
      [message(0, 5, ''), message(1, 5, 'k'.repeat(257)), message(2, 5, 'k'.repeat(256))],
      DEFAULT_MAX_RECORD_BYTES,
    );
    expect(unsendable.map((u) => [u.index, u.code])).toEqual([
      [0, 'InvalidPartitionKey'],
      [1, 'InvalidPartitionKey'],
    ]);
    expect(requests).toEqual([[2]]);
  });

  it('holds records over a hold limit apart (within the API limits), sending their neighbours', () => {
    const twoMiB = { id: 'b', partitionKey: 'k', body: 'x'.repeat(2 * 1024 * 1024) };
    const small = { id: 's', partitionKey: 'k', body: 'small' };
    const plan = planPutRecords(
      [small, twoMiB, small],
      10 * 1024 * 1024,
      MAX_RECORDS_PER_REQUEST,
      MAX_REQUEST_BYTES,
      DEFAULT_MAX_RECORD_BYTES,
    );
    expect(plan).toEqual({ requests: [[0, 2]], unsendable: [], held: [1] });
  });

  it('plans nothing for nothing', () => {
    expect(planPutRecords([], DEFAULT_MAX_RECORD_BYTES)).toEqual({ requests: [], unsendable: [], held: [] });
  });
});
