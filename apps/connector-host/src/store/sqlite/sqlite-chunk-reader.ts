import { ChunkViews, pendingOf } from '../outbox/chunk-views.js';
import { DecodedChunks } from '../outbox/decoded-chunks.js';
import { type ChunkMessage, decodeMessages } from '../outbox/outbox-chunk.js';
import type { PendingMessage } from '../outbox/pending-message.js';
import type { ChunkRow } from '../outbox/settlement.js';
import type { SqliteChunkStatements } from './sqlite-chunk-statements.js';

/** How the SQLite outbox reads chunks it delivers: messages decoded once, states decoded once per change. */
export class SqliteChunkReader {
  readonly decoded = new DecodedChunks();
  private readonly views = new ChunkViews();

  constructor(private readonly sql: SqliteChunkStatements) {}

  /** A chunk's messages, decoded once and then served from memory. */
  messagesOf(row: ChunkRow): ChunkMessage[] {
    let messages = this.decoded.get(row.seq);
    if (!messages) {
      messages = decodeMessages(this.sql.chunkMessages.get(row.seq)?.messages ?? '[]');
      this.decoded.keep(row.seq, messages);
    }
    return messages;
  }

  /** Appends the chunk's pending messages after `afterSeq` to `found` (see chunk-views.ts); whether `found` is full. */
  pendingOf(row: ChunkRow, afterSeq: number, found: PendingMessage[], limit: number, skipKey?: (key: string) => boolean): boolean {
    const messages = this.messagesOf(row);
    return pendingOf(row, messages, afterSeq, found, limit, skipKey, this.views.of(row.seq, row.state, messages.length));
  }

  /** The chunk was removed (nothing left pending): nothing of it is kept. */
  removed(seq: number): void {
    this.decoded.forget(seq);
    this.views.forget(seq);
  }
}
