import { describe, expect, it } from 'vitest';
import { ChunkViews, pendingOf, viewOf } from './chunk-views.js';
import { type ChunkMessage, messageSeq } from './outbox-chunk.js';
import type { PendingMessage } from './pending-message.js';
import type { ChunkRow } from './settlement.js';

const row = (state: string | null): ChunkRow => ({ seq: 7, connector_id: 'c', partition: 0, accepted_at: 1, pending: 0, state, bytes: 0 });
const messages: ChunkMessage[] = ['a', 'b', 'a', 'c', 'd'].map((key, i) => [key, null, `{"i":${i}}`]);

describe('chunk views', () => {
  it('lists the pending indexes in order, without the settled ones', () => {
    expect(viewOf('{"done":[0,3]}', 5).pending).toEqual([1, 2, 4]);
    expect(viewOf(null, 3).pending).toEqual([0, 1, 2]);
  });

  it('reads a chunk as before: pending only, after a seq, without skipped keys, with retry state, up to a limit', () => {
    const state = '{"done":[1],"retry":{"2":[2,99,"x","y"]}}';
    const found: PendingMessage[] = [];
    expect(pendingOf(row(state), messages, messageSeq(7, 0), found, 10, (key) => key === 'd')).toBe(false);
    expect(found.map((message) => [message.partition_key, message.body, message.attempts, message.next_attempt_at])).toEqual([
      ['a', '{"i":2}', 2, 99],
      ['c', '{"i":3}', 0, 0],
    ]);
    const full: PendingMessage[] = [];
    expect(pendingOf(row(null), messages, 0, full, 2)).toBe(true);
    expect(full.map((message) => message.seq)).toEqual([messageSeq(7, 0), messageSeq(7, 1)]);
  });

  it('decodes a state once while its text is the same, again once a settlement rewrote it', () => {
    const views = new ChunkViews();
    const first = views.of(7, '{"done":[0]}', 5);
    expect(views.of(7, '{"done":[0]}', 5)).toBe(first);
    const after = views.of(7, '{"done":[0,1]}', 5);
    expect(after).not.toBe(first);
    expect(after.pending).toEqual([2, 3, 4]);
    views.forget(7);
    expect(views.of(7, '{"done":[0,1]}', 5)).not.toBe(after);
  });

  it('holds no more indexes than its capacity, pushing out the oldest chunk', () => {
    const views = new ChunkViews(2 * (16 + 5));
    const first = views.of(1, null, 5);
    views.of(2, null, 5);
    expect(views.of(1, null, 5)).toBe(first);
    views.of(3, null, 5);
    expect(views.of(1, null, 5)).not.toBe(first);
  });
});
