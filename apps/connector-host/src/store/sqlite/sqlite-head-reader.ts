import type { BacklogCounters } from '../outbox/backlog-counters.js';
import { chunkOf } from '../outbox/outbox-chunk.js';
import type { PendingMessage } from '../outbox/pending-message.js';
import { HeadChunks } from './head-chunks.js';
import type { SqliteChunkReader } from './sqlite-chunk-reader.js';
import type { SqliteChunkStatements } from './sqlite-chunk-statements.js';

/** Chunks read per query while paging: a few batches' worth of messages. */
const CHUNKS_PER_READ = 16;

/**
 * Reads a connector's backlog from its head in delivery order, page by page, for the SQLite outbox; the first chunk
 * rows of each connector are kept (HeadChunks), so a busy connector's next round reads nothing back.
 */
export class SqliteHeadReader {
  readonly heads = new HeadChunks();

  constructor(
    private readonly sql: SqliteChunkStatements,
    private readonly chunks: SqliteChunkReader,
    private readonly counters: BacklogCounters,
  ) {}

  /** Pending messages of a connector after `afterSeq`, in delivery order, due or not, without those `skipKey` names. */
  page(connectorId: string, afterSeq: number, limit: number, skipKey?: (key: string) => boolean): PendingMessage[] {
    const found: PendingMessage[] = [];
    let fromChunk = chunkOf(afterSeq);
    const held = this.heads.rowsOf(connectorId, this.counters.count(connectorId));
    for (;;) {
      const rows = held ?? this.sql.chunksFrom.all(connectorId, fromChunk, CHUNKS_PER_READ);
      if (!held && fromChunk === 0) this.heads.keep(connectorId, rows, rows.length < CHUNKS_PER_READ);
      for (const row of rows) if (row.seq >= fromChunk && this.chunks.pendingOf(row, afterSeq, found, limit, skipKey)) return found;
      if (held || rows.length < CHUNKS_PER_READ) return found;
      fromChunk = rows[rows.length - 1].seq + 1;
    }
  }

  /** Up to `pages` pages of `pageSize`, lazily: a caller's selection usually stops within the first. */
  *scan(connectorId: string, pageSize: number, pages: number, skipKey?: (key: string) => boolean): Generator<PendingMessage> {
    let after = 0;
    for (let page = 0; page < pages; page++) {
      const rows = this.page(connectorId, after, pageSize, skipKey);
      yield* rows;
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1].seq;
    }
  }
}
