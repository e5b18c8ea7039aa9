/**
 * The outbox stores the messages one request routes to one connector together: one row, written once, whose
 * message list never changes. Only a small state (which messages are settled, which wait on a retry) is
 * rewritten as they are delivered, so a message costs one share of one insert instead of a row insert, an
 * index insert and a row delete of its own (about a third of the cost, measured on the host's hot path).
 *
 * A message's place in the delivery order is `chunk seq * CHUNK_SPAN + index`: chunks are numbered in
 * acceptance order, messages in a chunk in request order.
 */
export const CHUNK_SPAN = 4096;
/** At most this many messages per chunk (below CHUNK_SPAN); a bigger request makes several chunks. */
export const CHUNK_MAX_MESSAGES = 1000;

/**
 * One stored message: partition key, source id, the JSON body exactly as it will be sent, and, for a message a
 * replay sent again, the id it had the first time (what destinations see: receivers de-duplicate by it).
 */
export type ChunkMessage = [partitionKey: string, sourceId: string | null, body: string, originalId?: number];

/** A message that waits on a retry: attempts so far, when it is due, and the last error. */
export type RetryState = [attempts: number, nextAttemptAt: number, code: string, message: string];

/** What became of a chunk's messages since it was written. */
export interface ChunkState {
  /** Indexes settled: delivered or dead-lettered. */
  done: Set<number>;
  /** Indexes waiting on a retry. */
  retry: Map<number, RetryState>;
  /**
   * Indexes of `done` that were dead-lettered, with why (code, message): kept only by a store that keeps the message
   * history, which tells delivered from dead-lettered by them. Absent from a state that has none.
   */
  dead?: Map<number, DeadReason>;
}

/** Why a message was dead-lettered: the error code and message. */
export type DeadReason = [code: string, message: string];

interface StoredState {
  done?: number[];
  retry?: Record<string, RetryState>;
  dead?: Record<string, DeadReason>;
}

export function messageSeq(chunkSeq: number, index: number): number {
  return chunkSeq * CHUNK_SPAN + index;
}

export function chunkOf(seq: number): number {
  return Math.floor(seq / CHUNK_SPAN);
}

export function indexIn(seq: number): number {
  return seq % CHUNK_SPAN;
}

export function encodeMessages(messages: readonly ChunkMessage[]): string {
  if (messages.length > CHUNK_MAX_MESSAGES) throw new RangeError(`a chunk holds at most ${CHUNK_MAX_MESSAGES} messages`);
  return JSON.stringify(messages);
}

export function decodeMessages(text: string): ChunkMessage[] {
  return JSON.parse(text) as ChunkMessage[];
}

export function decodeState(text: string | null): ChunkState {
  const stored: StoredState = text === null ? {} : (JSON.parse(text) as StoredState);
  const state: ChunkState = {
    done: new Set(stored.done ?? []),
    retry: new Map(Object.entries(stored.retry ?? {}).map(([index, retry]) => [Number(index), retry])),
  };
  if (stored.dead) state.dead = new Map(Object.entries(stored.dead).map(([index, reason]) => [Number(index), reason]));
  return state;
}

/** Null when nothing happened yet: a fresh chunk carries no state at all. */
export function encodeState(state: ChunkState): string | null {
  if (state.done.size === 0 && state.retry.size === 0) return null;
  const stored: StoredState = {};
  if (state.done.size > 0) stored.done = [...state.done].sort((a, b) => a - b);
  if (state.retry.size > 0) stored.retry = Object.fromEntries(state.retry);
  if (state.dead && state.dead.size > 0) stored.dead = Object.fromEntries(state.dead);
  return JSON.stringify(stored);
}

/** The dead-lettered indexes of a settled chunk, with why (the history's `dead` column); null when none was. */
export function encodeDead(state: ChunkState): string | null {
  return state.dead && state.dead.size > 0 ? JSON.stringify(Object.fromEntries(state.dead)) : null;
}

export function decodeDead(text: string | null): Map<number, DeadReason> {
  if (text === null) return new Map();
  return new Map(Object.entries(JSON.parse(text) as Record<string, DeadReason>).map(([index, reason]) => [Number(index), reason]));
}

/**
 * At most this many characters of keys and bodies per chunk (bytes, for the one-byte strings JSON of ASCII gives): a
 * chunk is one string when written and when read, so its size bounds what one row costs to encode, store and decode.
 */
export const CHUNK_MAX_CHARS = 4 * 1024 * 1024;

/** What a message costs a chunk: its key and body, in characters. */
export function messageChars([partitionKey, , body]: ChunkMessage): number {
  return partitionKey.length + body.length;
}

/**
 * Splits a connector's messages of one group commit into chunks of at most CHUNK_MAX_MESSAGES and CHUNK_MAX_CHARS
 * (a message larger than that alone is a chunk of its own), in order.
 */
export function splitIntoChunks(messages: readonly ChunkMessage[]): ChunkMessage[][] {
  const chunks: ChunkMessage[][] = [];
  let current: ChunkMessage[] = [];
  let chars = 0;
  for (const message of messages) {
    const size = messageChars(message);
    if (current.length > 0 && (current.length === CHUNK_MAX_MESSAGES || chars + size > CHUNK_MAX_CHARS)) {
      chunks.push(current);
      current = [];
      chars = 0;
    }
    current.push(message);
    chars += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
