import { describe, expect, it } from 'vitest';
import { BacklogCounters } from './backlog-counters.js';
import { DecodedChunks } from './decoded-chunks.js';
import type { ChunkMessage } from './outbox-chunk.js';

const chunk = (size: number): ChunkMessage[] => Array.from({ length: size }, (_, i) => [`k${i}`, null, '{}']);

describe('DecodedChunks', () => {
  it('holds at most its capacity in messages, pushing out the oldest chunks for a chunk just read', () => {
    const cache = new DecodedChunks(10);
    cache.keep(1, chunk(4));
    cache.keep(2, chunk(4));
    cache.keep(3, chunk(4));
    expect([cache.get(1), cache.get(2)?.length, cache.get(3)?.length]).toEqual([undefined, 4, 4]);
  });

  it('takes a fresh chunk only into free room, never pushing out what a loop is working through', () => {
    const cache = new DecodedChunks(10);
    cache.keep(1, chunk(8));
    cache.keepIfRoom(2, chunk(4));
    expect([cache.get(1)?.length, cache.get(2)]).toEqual([8, undefined]);
    cache.forget(1);
    cache.keepIfRoom(2, chunk(4));
    expect(cache.get(2)?.length).toBe(4);
  });

  it('counts a chunk kept twice once', () => {
    const cache = new DecodedChunks(8);
    cache.keep(1, chunk(4));
    cache.keep(1, chunk(4));
    cache.keepIfRoom(2, chunk(4));
    expect(cache.get(2)?.length).toBe(4);
  });
});

describe('DecodedChunks, by size', () => {
  const large = (chars: number): ChunkMessage[] => [['k', null, 'x'.repeat(chars)]];

  it('holds at most its characters of keys and bodies, pushing out the oldest for a chunk just read', () => {
    const cache = new DecodedChunks(1000, 3000);
    cache.keep(1, large(1000));
    cache.keep(2, large(1000));
    cache.keep(3, large(1500));
    expect([cache.get(1), cache.get(2)?.length, cache.get(3)?.length]).toEqual([undefined, 1, 1]);
    cache.keepIfRoom(4, large(1000));
    expect(cache.get(4)).toBeUndefined();
  });

  it('never keeps a chunk larger than the whole cache (it is read from the store each time)', () => {
    const cache = new DecodedChunks(1000, 3000);
    cache.keep(1, large(100));
    cache.keep(2, large(5000));
    expect([cache.get(1)?.length, cache.get(2)]).toEqual([1, undefined]);
  });
});

describe('BacklogCounters', () => {
  it('starts from the stored counts and never goes below zero', () => {
    const counters = new BacklogCounters([{ connectorId: 'a', pending: 3, bytes: 0 }]);
    counters.add('a', 2);
    counters.add('b', 1);
    expect([counters.count('a'), counters.count('b'), counters.count('c')]).toEqual([5, 1, 0]);
    counters.add('a', -9);
    counters.forget('b');
    expect([counters.count('a'), counters.count('b')]).toEqual([0, 0]);
  });
});
