import { describe, expect, it } from 'vitest';
import { encodeMessages, encodeState, decodeState } from './outbox-chunk.js';
import { type SearchedChunk, searchChunks } from './outbox-search.js';

/** Chunks 1..count of connector `c`, each holding 10 messages of profiles p0..p9, as an in-memory pager reads them. */
function backlog(count: number): SearchedChunk[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: i + 1,
    connector_id: 'c',
    accepted_at: i,
    state: null,
    messages: encodeMessages(
      Array.from({ length: 10 }, (_, n) => [`p${n}`, 's', `{"chunk":"${String(i + 1).padStart(4, '0')}","n":${n}}`]),
    ),
  }));
}

const pager = (chunks: SearchedChunk[], pages: number[]) => (_connector: string | undefined, before: number, count: number) => {
  pages.push(before);
  return chunks
    .filter((chunk) => chunk.seq < before)
    .sort((a, b) => b.seq - a.seq)
    .slice(0, count);
};

describe('searchChunks', () => {
  it('finds the newest pending messages of a profile, newest first, leaving out settled ones', async () => {
    const chunks = backlog(40);
    const settled = decodeState(null);
    settled.done.add(3);
    chunks[39].state = encodeState(settled);
    const { items, complete } = await searchChunks(pager(chunks, []), { profileId: 'p3' }, 3);
    expect(complete).toBe(true);
    // Chunk 40's p3 is settled: the newest pending p3 are chunks 39, 38, 37.
    expect(items.map((item) => item.accepted_at)).toEqual([38, 37, 36]);
  });

  it('stops at its budget, however large the backlog: it reads no further back, and says it did not look through all', async () => {
    const chunks = backlog(1000);
    const pages: number[] = [];
    const perChunk = chunks[0].messages.length;
    const { items, complete } = await searchChunks(pager(chunks, pages), { profileId: 'nobody' }, 10, perChunk * 100);
    expect(items).toEqual([]);
    expect(complete).toBe(false);
    // 16 chunks a page, until 100 chunks' worth was read: 7 pages, not the 63 the whole backlog takes.
    expect(pages).toHaveLength(7);
  });
});
