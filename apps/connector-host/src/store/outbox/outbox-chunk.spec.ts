import { describe, expect, it } from 'vitest';
import {
  CHUNK_MAX_MESSAGES,
  CHUNK_SPAN,
  type ChunkMessage,
  chunkOf,
  decodeMessages,
  decodeState,
  encodeMessages,
  encodeState,
  indexIn,
  messageSeq,
  CHUNK_MAX_CHARS,
  splitIntoChunks,
} from './outbox-chunk.js';

describe('outbox chunks', () => {
  it('numbers messages by chunk then index, so the order of seqs is the order of acceptance', () => {
    expect(messageSeq(1, 0)).toBe(CHUNK_SPAN);
    expect(messageSeq(1, CHUNK_MAX_MESSAGES - 1)).toBeLessThan(messageSeq(2, 0));
    const seq = messageSeq(7, 42);
    expect([chunkOf(seq), indexIn(seq)]).toEqual([7, 42]);
  });

  it('round-trips messages byte for byte, bodies with quotes, newlines and non-ASCII included', () => {
    const messages: ChunkMessage[] = [
      ['p1', 'source', JSON.stringify({ profileId: 'p1', data: { quote: '"', line: 'a\nb', emoji: '😀', sep: '\u2028' } })],
      ['p2', null, '{}'],
    ];
    expect(decodeMessages(encodeMessages(messages))).toEqual(messages);
  });

  it('refuses a chunk above its size: seqs of one chunk must never reach the next', () => {
    const many: ChunkMessage[] = Array.from({ length: CHUNK_MAX_MESSAGES + 1 }, (_, i) => [`p${i}`, null, '{}']);
    expect(() => encodeMessages(many)).toThrow(RangeError);
    const chunks = splitIntoChunks(many);
    expect(chunks.map((chunk) => chunk.length)).toEqual([CHUNK_MAX_MESSAGES, 1]);
    expect(chunks.flat()).toEqual(many);
  });

  it('cuts chunks by characters too: large messages never make one huge row, and one larger than a chunk stands alone', () => {
    const big = (key: string, chars: number): ChunkMessage => [key, null, 'x'.repeat(chars)];
    const messages = [big('a', CHUNK_MAX_CHARS / 2), big('b', CHUNK_MAX_CHARS / 2), big('c', CHUNK_MAX_CHARS * 2), big('d', 10)];
    const chunks = splitIntoChunks(messages);
    expect(chunks.map((chunk) => chunk.map(([key]) => key))).toEqual([['a'], ['b'], ['c'], ['d']]);
    expect(chunks.flat()).toEqual(messages);
    const small = Array.from({ length: 10 }, (_, i) => big(`s${i}`, 100));
    expect(splitIntoChunks(small)).toEqual([small]);
  });

  it('stores no state for an untouched chunk, and round-trips settled and retried indexes', () => {
    expect(encodeState(decodeState(null))).toBeNull();
    const state = decodeState(null);
    state.done.add(3).add(1);
    state.retry.set(2, [1, 5000, 'ProvisionedThroughputExceededException', 'slow down']);
    const text = encodeState(state);
    expect(JSON.parse(text as string)).toEqual({
      done: [1, 3],
      retry: { '2': [1, 5000, 'ProvisionedThroughputExceededException', 'slow down'] },
    });
    const back = decodeState(text);
    expect([...back.done]).toEqual([1, 3]);
    expect(back.retry.get(2)).toEqual([1, 5000, 'ProvisionedThroughputExceededException', 'slow down']);
  });
});
