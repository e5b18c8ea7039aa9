import { describe, expect, it } from 'vitest';
import { classifyError, errorCode } from './kinesis.errors.js';

describe('classifyError', () => {
  it.each([
    'ProvisionedThroughputExceededException',
    'LimitExceededException',
    'InternalFailure',
    'ServiceUnavailable',
    'KMSThrottlingException',
    'ResourceInUseException',
    'ECONNREFUSED',
    'ECONNRESET',
    'TimeoutError',
  ])('retries %s', (code) => {
    expect(classifyError(code)).toBe('retryable');
  });

  it.each([
    'AccessDeniedException',
    'UnrecognizedClientException',
    'InvalidSignatureException',
    'ResourceNotFoundException',
    'InvalidArgumentException',
    'ValidationException',
    'KMSDisabledException',
    'KMSInvalidStateException',
    'KMSAccessDeniedException',
    'KMSNotFoundException',
    'KMSOptInRequired',
    'RecordTooLarge',
  ])('rejects %s', (code) => {
    expect(classifyError(code)).toBe('rejected');
  });

  it('falls back on the HTTP status for unknown names: 4xx rejected, 5xx, 408 and 429 retried', () => {
    expect(classifyError('SomethingNew', 400)).toBe('rejected');
    expect(classifyError('SomethingNew', 403)).toBe('rejected');
    expect(classifyError('SomethingNew', 503)).toBe('retryable');
    expect(classifyError('SomethingNew', 429)).toBe('retryable');
    expect(classifyError('SomethingNew', 408)).toBe('retryable');
  });

  it('retries what it cannot place at all, so nothing is dropped on a guess', () => {
    expect(classifyError('SomethingNew')).toBe('retryable');
  });
});

describe('errorCode', () => {
  it('prefers a socket code, then the service error name', () => {
    expect(errorCode(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(errorCode(Object.assign(new Error('x'), { name: 'ResourceNotFoundException' }))).toBe('ResourceNotFoundException');
    expect(errorCode('weird')).toBe('UnknownError');
  });
});
