import type { ChunkMessage } from './outbox-chunk.js';

/**
 * Decoded messages of chunks, kept for the delivery loops, which read the head of their backlog every round.
 * Chunk messages never change once written, so decoding them once serves every later round. Bounded by
 * messages, not chunks (a chunk holds up to 1,000), so a big backlog never sits decoded in memory; a miss only
 * costs decoding again.
 */
export class DecodedChunks {
  private readonly byChunk = new Map<number, ChunkMessage[]>();
  private size = 0;

  /** `capacity`: most messages held; by default a few rounds' look-ahead for several connectors. */
  constructor(private readonly capacity = 20_000) {}

  get(chunkSeq: number): ChunkMessage[] | undefined {
    return this.byChunk.get(chunkSeq);
  }

  /** Keeps a chunk just read, pushing out the oldest ones: the head of a backlog is read again next round. */
  keep(chunkSeq: number, messages: ChunkMessage[]): void {
    for (const oldest of this.byChunk.keys()) {
      if (this.size + messages.length <= this.capacity) break;
      this.forget(oldest);
    }
    this.remember(chunkSeq, messages);
  }

  /** Keeps a fresh chunk only if there is free room, so fresh chunks never push out the head a loop works on. */
  keepIfRoom(chunkSeq: number, messages: ChunkMessage[]): void {
    if (this.size + messages.length <= this.capacity) this.remember(chunkSeq, messages);
  }

  forget(chunkSeq: number): void {
    const messages = this.byChunk.get(chunkSeq);
    if (!messages) return;
    this.byChunk.delete(chunkSeq);
    this.size -= messages.length;
  }

  private remember(chunkSeq: number, messages: ChunkMessage[]): void {
    this.forget(chunkSeq);
    this.byChunk.set(chunkSeq, messages);
    this.size += messages.length;
  }
}
