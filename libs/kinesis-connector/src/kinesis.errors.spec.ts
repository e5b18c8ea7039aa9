import { categoryOf } from '@event-connectors/connector-sdk';
import { describe, expect, it } from 'vitest';
import { classifyError, errorCode, failureReason, KINESIS_ERRORS, kinesisErrorRow } from './kinesis.errors.js';

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

describe('the error table', () => {
  it('keeps every row coherent: set-up failures and throttling are never the other outcome', () => {
    for (const [code, row] of Object.entries(KINESIS_ERRORS)) {
      if (row.scope === 'destination') expect(row.outcome, code).toBe('rejected');
      if (row.throttled) expect(row.outcome, code).toBe('retryable');
    }
  });

  it('gives every socket error code the transport row, named as an unreachable endpoint', () => {
    expect(kinesisErrorRow('ECONNABORTED')).toEqual({ outcome: 'retryable', problem: 'endpointUnreachable' });
    expect(kinesisErrorRow('EAI_AGAIN')?.problem).toBe('endpointUnreachable');
    expect(kinesisErrorRow('SomethingNew')).toBeUndefined();
  });

  it('names the problem check() reports for credentials, permissions and a missing stream', () => {
    expect(kinesisErrorRow('InvalidSignatureException')?.problem).toBe('credentialsRejected');
    expect(kinesisErrorRow('AccessDeniedException')?.problem).toBe('accessDenied');
    expect(kinesisErrorRow('ResourceNotFoundException')?.problem).toBe('streamNotFound');
  });
});

describe('failureReason', () => {
  it('marks set-up failures with their scope and throttling as such, and nothing else', () => {
    expect(failureReason('KMSDisabledException', 'm')).toEqual({ code: 'KMSDisabledException', message: 'm', scope: 'destination' });
    expect(failureReason('ProvisionedThroughputExceededException', 'm')).toEqual({
      code: 'ProvisionedThroughputExceededException',
      message: 'm',
      throttled: true,
    });
    expect(failureReason('RecordTooLarge', 'm')).toEqual({ code: 'RecordTooLarge', message: 'm', category: 'too_large' });
    expect(failureReason('SomethingNew', 'm')).toEqual({ code: 'SomethingNew', message: 'm' });
  });

  it('names the statistics category of every code a person has to act on', () => {
    const categories = Object.fromEntries(
      ['UnrecognizedClientException', 'InvalidSignatureException', 'AccessDeniedException', 'KMSAccessDeniedException']
        .concat(['ResourceNotFoundException', 'KMSNotFoundException', 'RecordTooLarge', 'ProvisionedThroughputExceededException'])
        .map((code) => [code, categoryOf(failureReason(code, 'm'))]),
    );
    expect(categories).toEqual({
      UnrecognizedClientException: 'invalid_credentials',
      InvalidSignatureException: 'invalid_credentials',
      AccessDeniedException: 'access_denied',
      KMSAccessDeniedException: 'access_denied',
      ResourceNotFoundException: 'not_found',
      KMSNotFoundException: 'not_found',
      RecordTooLarge: 'too_large',
      ProvisionedThroughputExceededException: 'throttled',
    });
    expect(categoryOf(failureReason('InternalFailure', 'm'))).toBe('other');
  });

  it("classifies a refused role as the customer's set-up, and expired credentials as renewing", () => {
    for (const code of ['AssumeRoleDenied', 'ExternalIdMismatch']) {
      expect(classifyError(code)).toBe('rejected');
      expect(failureReason(code, 'm')).toEqual({ code, message: 'm', scope: 'destination', category: 'access_denied' });
    }
    for (const code of ['ExpiredTokenException', 'CredentialsExpired']) {
      expect(classifyError(code)).toBe('retryable');
      expect(failureReason(code, 'm')).toEqual({ code, message: 'm', category: 'invalid_credentials' });
      expect(kinesisErrorRow(code)?.problem).toBe('credentialsExpired');
    }
    expect(failureReason('Throttling', 'm')).toEqual({ code: 'Throttling', message: 'm', throttled: true });
  });
});
