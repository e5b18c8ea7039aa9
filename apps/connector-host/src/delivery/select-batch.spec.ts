import { describe, expect, it } from 'vitest';
import type { PendingMessage } from '../store/outbox/outbox-store.js';
import { selectBatch } from './select-batch.js';

let seq = 0;
const pending = (key: string, overrides: Partial<PendingMessage> = {}): PendingMessage => ({
  seq: ++seq,
  connector_id: 'c',
  partition: 0,
  partition_key: key,
  body: '{}',
  accepted_at: 0,
  attempts: 0,
  next_attempt_at: 0,
  source_id: null,
  ...overrides,
});
const limits = { maxBatchMessages: 500, maxBatchBytes: 5 * 1024 * 1024 };
const keys = (batch: PendingMessage[]) => batch.map((message) => message.partition_key);

describe('selectBatch', () => {
  it('takes due messages in acceptance order', () => {
    const head = [pending('a'), pending('b'), pending('c')];
    expect(selectBatch(head, 1000, limits)).toEqual({ batch: head, nextDueAt: undefined });
  });

  it('takes one message per key per batch, so a failed entry can never be overtaken within a request', () => {
    const head = [pending('a'), pending('a'), pending('b'), pending('a')];
    const { batch } = selectBatch(head, 1000, limits);
    expect(batch.map((message) => message.seq)).toEqual([head[0].seq, head[2].seq]);
  });

  it('holds a whole key behind its oldest message while that one waits on a retry, and says when it is due', () => {
    const head = [pending('a', { next_attempt_at: 5000 }), pending('a'), pending('b'), pending('c', { next_attempt_at: 3000 })];
    const { batch, nextDueAt } = selectBatch(head, 1000, limits);
    expect(keys(batch)).toEqual(['b']);
    expect(nextDueAt).toBe(3000);
  });

  it('stops at the message limit', () => {
    const head = Array.from({ length: 10 }, (_, i) => pending(`k${i}`));
    expect(selectBatch(head, 0, { ...limits, maxBatchMessages: 4 }).batch).toHaveLength(4);
  });

  it('stops before the byte limit, counting body and key in UTF-8', () => {
    const head = [pending('a', { body: 'é'.repeat(10) }), pending('b', { body: 'x'.repeat(10) })];
    // 'a' costs 20 + 1 bytes, 'b' costs 10 + 1.
    expect(keys(selectBatch(head, 0, { ...limits, maxBatchBytes: 31 }).batch)).toEqual(['a']);
    expect(keys(selectBatch(head, 0, { ...limits, maxBatchBytes: 32 }).batch)).toEqual(['a', 'b']);
  });

  it('sends an oversized message alone, for the connector to reject it', () => {
    const head = [pending('big', { body: 'x'.repeat(100) }), pending('small')];
    expect(keys(selectBatch(head, 0, { ...limits, maxBatchBytes: 50 }).batch)).toEqual(['big']);
  });

  it('selects nothing from an empty head', () => {
    expect(selectBatch([], 0, limits)).toEqual({ batch: [], nextDueAt: undefined });
  });
});
