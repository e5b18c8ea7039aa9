import { categoryOf } from '@event-connectors/connector-sdk';
import { describe, expect, it } from 'vitest';
import { errorRow, outcomeOfError, PUBSUB_ERRORS, statusOf } from './pubsub.errors.js';

/** An error as gRPC (through the client library) raises it: a numeric status, the service's details. */
const grpcError = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details });

describe('the outcome table', () => {
  it.each(['NOT_FOUND', 'PERMISSION_DENIED', 'UNAUTHENTICATED', 'FAILED_PRECONDITION', 'UNIMPLEMENTED', 'EmulatorNotAllowed'])(
    'holds the set-up responsible for %s: the host pauses it and keeps the messages',
    (status) => expect(errorRow(status)).toMatchObject({ outcome: 'rejected', scope: 'destination' }),
  );
  it.each(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'ABORTED', 'INTERNAL', 'UNKNOWN', 'CANCELLED', 'DATA_LOSS'])('retries %s', (status) => {
    expect(errorRow(status).outcome).toBe('retryable');
    expect(errorRow(status).scope).toBeUndefined();
  });
  it('retries RESOURCE_EXHAUSTED and slows down', () =>
    expect(errorRow('RESOURCE_EXHAUSTED')).toEqual({ outcome: 'retryable', throttled: true }));
  it.each(['INVALID_ARGUMENT', 'OUT_OF_RANGE'])('refuses the message on %s (a dead letter)', (status) =>
    expect(errorRow(status)).toEqual({ outcome: 'rejected' }),
  );
  it('retries a status it does not know: a kept message can still go, a dropped one cannot', () => {
    expect(PUBSUB_ERRORS.SOMETHING_NEW).toBeUndefined();
    expect(errorRow('SOMETHING_NEW')).toEqual({ outcome: 'retryable' });
  });
  it('names the problem check() reports for what a person fixes, and marks a deadline as timed out', () => {
    expect(
      Object.fromEntries(Object.entries(PUBSUB_ERRORS).flatMap(([status, row]) => (row.problem ? [[status, row.problem]] : []))),
    ).toEqual({
      NOT_FOUND: 'topicNotFound',
      PERMISSION_DENIED: 'permissionDenied',
      UNAUTHENTICATED: 'invalidCredentials',
      UNAVAILABLE: 'unreachable',
      DEADLINE_EXCEEDED: 'unreachable',
    });
    expect(errorRow('DEADLINE_EXCEEDED').timedOut).toBe(true);
  });
});

describe('statusOf', () => {
  it("reads gRPC's numeric status, and a publish error's (it carries its failed publish's)", () => {
    expect(statusOf(grpcError(5, 'Topic not found'))).toBe('NOT_FOUND');
    expect(statusOf(grpcError(8, 'Quota exceeded'))).toBe('RESOURCE_EXHAUSTED');
    const publishError = Object.assign(new Error('Unable to publish for key "p1". Reason: 14 UNAVAILABLE'), {
      code: 14,
      orderingKey: 'p1',
    });
    expect(statusOf(publishError)).toBe('UNAVAILABLE');
    expect(statusOf(grpcError(99, 'from the future'))).toBe('UNKNOWN');
  });

  it('tells a refused key from an unreachable token service when gRPC could not authenticate the call', () => {
    const plugin = (words: string) =>
      Object.assign(new Error(`2 UNKNOWN: Getting metadata from plugin failed with error: ${words}`), { code: 2 });
    expect(statusOf(plugin('invalid_grant: Invalid JWT Signature.'))).toBe('UNAUTHENTICATED');
    expect(statusOf(plugin('invalid_grant: account not found'))).toBe('UNAUTHENTICATED');
    expect(statusOf(plugin('request to https://oauth2.googleapis.com/token failed, reason: getaddrinfo ENOTFOUND'))).toBe('UNAVAILABLE');
  });

  it('keeps a code of its own, and calls anything else UNKNOWN', () => {
    expect(statusOf({ code: 'EmulatorNotAllowed' })).toBe('EmulatorNotAllowed');
    expect(statusOf(new TypeError('boom'))).toBe('UNKNOWN');
    expect(statusOf(undefined)).toBe('UNKNOWN');
  });
});

describe('outcomeOfError', () => {
  it("gives the host the status, Pub/Sub's words on one line, and the row's scope, throttling and category", () => {
    expect(outcomeOfError(grpcError(5, 'Topic not found'))).toEqual({
      status: 'rejected',
      reason: { code: 'NOT_FOUND', message: 'Topic not found', scope: 'destination', category: 'not_found' },
    });
    expect(outcomeOfError(grpcError(8, 'Quota\n exceeded'))).toEqual({
      status: 'retryable',
      reason: { code: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded', throttled: true },
    });
    expect(outcomeOfError(grpcError(4, 'Deadline exceeded'))).toEqual({
      status: 'retryable',
      reason: { code: 'DEADLINE_EXCEEDED', message: 'Deadline exceeded', timedOut: true },
    });
    expect(outcomeOfError(grpcError(3, `Request payload size exceeds the limit: ${'x'.repeat(500)}`))).toMatchObject({
      status: 'rejected',
      reason: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^Request payload size exceeds the limit: x{250,}$/) },
    });
  });

  it("pauses the set-up on a message its topic's schema refuses: every message would be refused alike", () => {
    expect(outcomeOfError(grpcError(3, 'Invalid data in message: Message failed schema validation.'))).toEqual({
      status: 'rejected',
      reason: { code: 'SCHEMA_MISMATCH', message: 'Invalid data in message: Message failed schema validation.', scope: 'destination' },
    });
    // Another INVALID_ARGUMENT is still this message's own problem: a dead letter.
    expect(outcomeOfError(grpcError(3, 'Attribute key too long'))).toMatchObject({
      status: 'rejected',
      reason: { code: 'INVALID_ARGUMENT' },
    });
    expect(outcomeOfError(grpcError(3, 'Attribute key too long'))).not.toMatchObject({ reason: { scope: 'destination' } });
  });

  it('counts each failure under the kind the traffic statistics show a person', () => {
    const kinds = [5, 7, 16, 8, 14, 3].map((code) => {
      const outcome = outcomeOfError(grpcError(code, 'x'));
      return outcome.status === 'delivered' ? 'delivered' : categoryOf(outcome.reason);
    });
    expect(kinds).toEqual(['not_found', 'access_denied', 'invalid_credentials', 'throttled', 'other', 'other']);
  });
});
