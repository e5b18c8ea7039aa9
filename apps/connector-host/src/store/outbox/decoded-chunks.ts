import { type ChunkMessage, messageChars } from './outbox-chunk.js';

/**
 * Decoded messages of chunks, kept for the delivery loops, which read the head of their backlog every round.
 * Chunk messages never change once written, so decoding them once serves every later round. Bounded by messages
 * (a chunk holds up to 1,000) and by characters of keys and bodies (large messages), not by chunks, so a big
 * backlog never sits decoded in memory; a miss only costs decoding again.
 */
export class DecodedChunks {
  private readonly byChunk = new Map<number, { messages: ChunkMessage[]; chars: number }>();
  private size = 0;
  private chars = 0;

  /**
   * `capacity`: most messages held; `maxChars`: most characters of keys and bodies held (bytes, for the one-byte
   * strings JSON of ASCII gives), the bound on memory. The capacity covers more than a batch's look-ahead: a head
   * read passes over every queued message of busy profiles to reach the next free one, and a cache shorter than
   * that walk pushes out, in order, each chunk just before it is needed again, so every round decoded the whole
   * walk (25,078 messages of ~100 profiles: 130 ms a read at 20,000, 4.5 ms at 100,000).
   */
  constructor(
    private readonly capacity = 100_000,
    private readonly maxChars = 64 * 1024 * 1024,
  ) {}

  get(chunkSeq: number): ChunkMessage[] | undefined {
    return this.byChunk.get(chunkSeq)?.messages;
  }

  /** Keeps a chunk just read, pushing out the oldest ones: the head of a backlog is read again next round. */
  keep(chunkSeq: number, messages: ChunkMessage[]): void {
    const chars = charsOf(messages);
    if (messages.length > this.capacity || chars > this.maxChars) return;
    for (const oldest of this.byChunk.keys()) {
      if (this.fits(messages.length, chars)) break;
      this.forget(oldest);
    }
    this.remember(chunkSeq, messages, chars);
  }

  /** Keeps a fresh chunk only if there is free room, so fresh chunks never push out the head a loop works on. */
  keepIfRoom(chunkSeq: number, messages: ChunkMessage[]): void {
    const chars = charsOf(messages);
    if (this.fits(messages.length, chars)) this.remember(chunkSeq, messages, chars);
  }

  forget(chunkSeq: number): void {
    const entry = this.byChunk.get(chunkSeq);
    if (!entry) return;
    this.byChunk.delete(chunkSeq);
    this.size -= entry.messages.length;
    this.chars -= entry.chars;
  }

  private fits(messages: number, chars: number): boolean {
    return this.size + messages <= this.capacity && this.chars + chars <= this.maxChars;
  }

  private remember(chunkSeq: number, messages: ChunkMessage[], chars: number): void {
    this.forget(chunkSeq);
    this.byChunk.set(chunkSeq, { messages, chars });
    this.size += messages.length;
    this.chars += chars;
  }
}

function charsOf(messages: readonly ChunkMessage[]): number {
  let chars = 0;
  for (const message of messages) chars += messageChars(message);
  return chars;
}
