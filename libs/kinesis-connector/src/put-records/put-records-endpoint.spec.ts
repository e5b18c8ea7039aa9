import { describe, expect, it } from 'vitest';
import { putRecordsEndpoint } from './put-records-endpoint.js';

describe('putRecordsEndpoint', () => {
  it("follows the SDK's endpoint rules for every partition, not one DNS suffix", () => {
    expect(putRecordsEndpoint('eu-west-1')).toBe('https://kinesis.eu-west-1.amazonaws.com/');
    expect(putRecordsEndpoint('cn-north-1')).toBe('https://kinesis.cn-north-1.amazonaws.com.cn/');
    expect(putRecordsEndpoint('us-gov-west-1')).toBe('https://kinesis.us-gov-west-1.amazonaws.com/');
    expect(putRecordsEndpoint('us-iso-east-1')).toBe('https://kinesis.us-iso-east-1.c2s.ic.gov/');
  });

  it("sends a stream named by ARN to its account's data endpoint, as the SDK does", () => {
    expect(putRecordsEndpoint('eu-west-1', 'arn:aws:kinesis:eu-west-1:210987654321:stream/activations')).toBe(
      'https://210987654321.data-kinesis.eu-west-1.amazonaws.com/',
    );
    expect(putRecordsEndpoint('cn-north-1', 'arn:aws-cn:kinesis:cn-north-1:210987654321:stream/activations')).toBe(
      'https://210987654321.data-kinesis.cn-north-1.amazonaws.com.cn/',
    );
  });
});
