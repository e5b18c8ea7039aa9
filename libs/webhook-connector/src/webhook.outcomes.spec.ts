import { categoryOf } from '@event-connectors/connector-sdk';
import { describe, expect, it } from 'vitest';
import { outcomeOfAnswer, outcomeOfError, retryAfter, verdictOfStatus } from './webhook.outcomes.js';
import { TransportError } from './webhook-transport.js';

const answer = (status: number, headers: Record<string, string> = {}, body = '') => ({ status, headers, body });

describe('verdictOfStatus', () => {
  it.each([200, 201, 202, 204, 299])('delivers on %i', (status) => expect(verdictOfStatus(status)).toBe('delivered'));
  it.each([408, 500, 503])('retries %i', (status) => expect(verdictOfStatus(status)).toEqual({ status: 'retryable' }));
  it.each([429, 502, 504])('retries %i and slows down', (status) =>
    expect(verdictOfStatus(status)).toEqual({ status: 'retryable', throttled: true }),
  );
  it.each([301, 302, 307, 401, 403, 404, 410])('holds the set-up responsible for %i (pause, keep the messages)', (status) =>
    expect(verdictOfStatus(status)).toEqual({ status: 'rejected', scope: 'destination' }),
  );
  it.each([400, 405, 413, 415, 422])('refuses the message on %i', (status) =>
    expect(verdictOfStatus(status)).toEqual({ status: 'rejected' }),
  );
});

describe('outcomeOfAnswer', () => {
  it('gives a delivered message its webhook id and status as receipt', () => {
    expect(outcomeOfAnswer(answer(204), 'msg_1')).toEqual({ status: 'delivered', receipt: { webhookId: 'msg_1', status: '204' } });
  });

  it('honours Retry-After on 429 and 503, in seconds or as a date', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(outcomeOfAnswer(answer(429, { 'retry-after': '7' }, 'slow down'), 'm', now)).toEqual({
      status: 'retryable',
      reason: { code: 'HTTP_429', message: 'the receiver answered 429: slow down', throttled: true, retryAfterMs: 7000 },
    });
    expect(outcomeOfAnswer(answer(503, { 'retry-after': 'Tue, 01 Dec 2026 10:00:30 GMT' }), 'm', now)).toMatchObject({
      reason: { code: 'HTTP_503', retryAfterMs: 30_000 },
    });
  });

  it("names a redirect's target and does not follow it", () => {
    expect(outcomeOfAnswer(answer(301, { location: 'https://new.example.com/hook' }), 'm')).toEqual({
      status: 'rejected',
      reason: {
        code: 'HTTP_301',
        message: 'the receiver answered 301 to https://new.example.com/hook: update the URL (redirects are not followed)',
        scope: 'destination',
      },
    });
  });

  it('names the statistics category of the statuses a person acts on', () => {
    const categories = [401, 403, 404, 410, 413, 429, 500, 422].map((status) => {
      const outcome = outcomeOfAnswer(answer(status), 'm');
      return outcome.status === 'delivered' ? 'delivered' : categoryOf(outcome.reason);
    });
    expect(categories).toEqual([
      'invalid_credentials',
      'access_denied',
      'not_found',
      'not_found',
      'too_large',
      'throttled',
      'other',
      'other',
    ]);
  });

  it("keeps a short, one-line preview of the receiver's error", () => {
    const outcome = outcomeOfAnswer(answer(422, {}, `bad\n\n${'x'.repeat(500)}`), 'm');
    expect(outcome.status === 'rejected' && outcome.reason.message.length).toBeLessThan(260);
    expect(outcome).toMatchObject({ reason: { message: expect.stringMatching(/^the receiver answered 422: bad x+$/) } });
  });
});

describe('outcomeOfError', () => {
  it('retries network failures and timeouts, and holds the set-up responsible for certificates and refused addresses', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND']) {
      expect(outcomeOfError(new TransportError(code, 'x'))).toEqual({ status: 'retryable', reason: { code, message: 'x' } });
    }
    // No answer in time: retried, and marked so the host can tell a stalled receiver.
    for (const code of ['ETIMEDOUT', 'RequestTimeout', 'ConnectTimeout']) {
      expect(outcomeOfError(new TransportError(code, 'x'))).toEqual({
        status: 'retryable',
        reason: { code, message: 'x', timedOut: true },
      });
    }
    for (const code of ['CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'AddressNotAllowed']) {
      expect(outcomeOfError(new TransportError(code, 'x'))).toEqual({
        status: 'rejected',
        reason: { code, message: 'x', scope: 'destination' },
      });
    }
  });
});

describe('retryAfter', () => {
  it('reads seconds and dates, caps at an hour, and ignores what it cannot read', () => {
    expect(retryAfter('120', 0)).toBe(120_000);
    expect(retryAfter('999999', 0)).toBe(3_600_000);
    expect(retryAfter(new Date(5000).toUTCString(), 0)).toBe(5000);
    expect(retryAfter(new Date(0).toUTCString(), 10_000)).toBe(0);
    expect(retryAfter('soon', 0)).toBeUndefined();
    expect(retryAfter(undefined, 0)).toBeUndefined();
  });
});
