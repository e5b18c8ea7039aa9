import type { Database, Statement } from 'better-sqlite3';
import type { BacklogCount } from '../outbox/backlog-counters.js';
import type { SearchedChunk } from '../outbox/outbox-search.js';
import type { ChunkRow } from '../outbox/settlement.js';

// Messages live in outbox_chunk_messages (migration 014): a settlement rewrites only the small chunk row.
const COLUMNS = 'seq, connector_id, partition, accepted_at, pending, state, bytes, trace';

/** The SQLite outbox's statements on its chunk table, prepared once per connection. */
export class SqliteChunkStatements {
  private searches?: {
    reader: Database;
    any: Statement<[number, number], SearchedChunk>;
    one: Statement<[string, number, number], SearchedChunk>;
  };

  readonly insert: Statement<[string, number, number, number, string | null, string | null]>;
  /** A replay's step: (next seq, requeued, done, at, id, owner); changes nothing unless it runs under that owner. */
  readonly replayStep: Statement<[number, number, number, number | null, string, string]>;
  readonly insertMessages: Statement<[number, string]>;
  readonly chunksFrom: Statement<[string, number, number], ChunkRow>;
  readonly oneChunk: Statement<[number], ChunkRow>;
  readonly chunkMessages: Statement<[number], { messages: string }>;
  readonly expiredChunks: Statement<[string, number, number], ChunkRow>;
  readonly oldest: Statement<[string], { accepted_at: number }>;
  readonly updateState: Statement<[number, string | null, number]>;
  readonly remove: Statement<[number]>;
  readonly countStored: Statement<[], BacklogCount>;
  /** A chunk with nothing left pending, into the message history: (settled at, count, dead, attempts, seq). */
  readonly toHistory: Statement<[number, number, string | null, string | null, number]>;
  readonly insertAttempts: Statement<[string, number, number, number, string]>;

  constructor(sqlite: Database) {
    this.insert = sqlite.prepare(
      'INSERT INTO outbox_chunks (connector_id, accepted_at, pending, bytes, replay_id, trace) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.replayStep = sqlite.prepare(
      `UPDATE replays SET next_seq = ?, requeued = requeued + ?, status = CASE WHEN ? = 1 THEN 'done' ELSE status END,
         finished_at = ? WHERE id = ? AND owner = ? AND status = 'running'`,
    );
    this.insertMessages = sqlite.prepare('INSERT INTO outbox_chunk_messages (seq, messages) VALUES (?, ?)');
    this.chunksFrom = sqlite.prepare(`SELECT ${COLUMNS} FROM outbox_chunks WHERE connector_id = ? AND seq >= ? ORDER BY seq LIMIT ?`);
    this.oneChunk = sqlite.prepare(`SELECT ${COLUMNS} FROM outbox_chunks WHERE seq = ?`);
    this.chunkMessages = sqlite.prepare('SELECT messages FROM outbox_chunk_messages WHERE seq = ?');
    this.expiredChunks = sqlite.prepare(
      `SELECT ${COLUMNS} FROM outbox_chunks WHERE connector_id = ? AND accepted_at < ? ORDER BY seq LIMIT ?`,
    );
    this.oldest = sqlite.prepare('SELECT accepted_at FROM outbox_chunks WHERE connector_id = ? ORDER BY seq LIMIT 1');
    this.updateState = sqlite.prepare('UPDATE outbox_chunks SET pending = ?, state = ? WHERE seq = ?');
    // Its messages go with it (a trigger, migration 016), unless the message history took it first.
    this.remove = sqlite.prepare('DELETE FROM outbox_chunks WHERE seq = ?');
    this.toHistory = sqlite.prepare(
      `INSERT INTO message_history (seq, connector_id, partition, accepted_at, settled_at, count, bytes, dead, attempts, replay_id)
       SELECT seq, connector_id, partition, accepted_at, ?, ?, bytes, ?, ?, replay_id FROM outbox_chunks WHERE seq = ?`,
    );
    this.insertAttempts = sqlite.prepare(
      'INSERT INTO message_attempts (connector_id, chunk_seq, at, latency_ms, entries) VALUES (?, ?, ?, ?, ?)',
    );
    this.countStored = sqlite.prepare(
      `SELECT connector_id AS connectorId, sum(pending) AS pending, sum(bytes) AS bytes FROM outbox_chunks GROUP BY connector_id`,
    );
  }

  /** A page of an operator's search, on the read connection `reader`: chunks before `beforeSeq`, newest first. */
  searchPage(reader: Database, connectorId: string | undefined, beforeSeq: number, count: number): SearchedChunk[] {
    if (this.searches?.reader !== reader) {
      const from =
        'SELECT c.seq, c.connector_id, c.accepted_at, c.state, m.messages FROM outbox_chunks c JOIN outbox_chunk_messages m USING (seq)';
      this.searches = {
        reader,
        any: reader.prepare(`${from} WHERE c.seq < ? ORDER BY c.seq DESC LIMIT ?`),
        one: reader.prepare(`${from} WHERE c.connector_id = ? AND c.seq < ? ORDER BY c.seq DESC LIMIT ?`),
      };
    }
    return connectorId === undefined ? this.searches.any.all(beforeSeq, count) : this.searches.one.all(connectorId, beforeSeq, count);
  }
}
