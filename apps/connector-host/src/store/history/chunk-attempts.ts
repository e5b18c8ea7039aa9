/** Where the destination says a message landed, as its connector reported it (Kinesis' shard and sequence number). */
export type Receipt = Readonly<Record<string, string>>;

/** What one delivery call asked of a store's message history, besides its settlement. */
export interface RoundFacts {
  /** When the call's answer came. */
  at: number;
  latencyMs: number;
  /** The receipts of delivered messages, by seq (none for a connector that gives none). */
  receipts: ReadonlyMap<number, Receipt>;
}

/**
 * What one delivery call did to the messages of one chunk: one row of `message_attempts`. A row per call and
 * chunk, not per message (a call of 500 messages mostly touches a handful of chunks), written in the settlement's
 * own transaction; a failure's code and message are stored once per row however many messages it failed.
 */
export interface ChunkAttempts {
  connectorId: string;
  chunkSeq: number;
  at: number;
  latencyMs: number;
  /** [index in the chunk, receipt]. */
  delivered: [number, Receipt | null][];
  /** [index in the chunk, what follows, index into `reasons`]. */
  failed: [number, 'retry' | 'dead', number][];
  /** [code, message] of the failures. */
  reasons: [string, string][];
}

interface StoredAttempts {
  d?: [number, Receipt | null][];
  f?: [number, 'retry' | 'dead', number][];
  r?: [string, string][];
}

/** The `entries` column of a row. */
export function encodeAttempts({ delivered, failed, reasons }: ChunkAttempts): string {
  const stored: StoredAttempts = {};
  if (delivered.length > 0) stored.d = delivered;
  if (failed.length > 0) {
    stored.f = failed;
    stored.r = reasons;
  }
  return JSON.stringify(stored);
}

/** One message's attempt, as the history shows it. */
export interface MessageAttempt {
  at: number;
  latencyMs: number;
  outcome: 'delivered' | 'retry' | 'dead_lettered';
  receipt: Receipt | null;
  error: { code: string; message: string } | null;
}

/**
 * The attempts of the settlement that settled a chunk's last message, stored in its history row rather than as rows
 * of their own (most chunks settle in one call: one row written instead of two): a JSON array of [at, latency,
 * entries].
 */
export function encodeFinalAttempts(rows: readonly ChunkAttempts[]): string | null {
  if (rows.length === 0) return null;
  return `[${rows.map((row) => `[${row.at},${row.latencyMs},${encodeAttempts(row)}]`).join(',')}]`;
}

/** A history row's final attempts, read back, oldest first. */
export function decodeFinalAttempts(text: string | null): Map<number, MessageAttempt>[] {
  if (text === null) return [];
  return (JSON.parse(text) as [number, number, StoredAttempts][]).map(([at, latencyMs, entries]) => decodeEntries(at, latencyMs, entries));
}

/** A stored row, read back: its attempts by index in the chunk. */
export function decodeAttempts(at: number, latencyMs: number, entries: string): Map<number, MessageAttempt> {
  return decodeEntries(at, latencyMs, JSON.parse(entries) as StoredAttempts);
}

function decodeEntries(at: number, latencyMs: number, stored: StoredAttempts): Map<number, MessageAttempt> {
  const byIndex = new Map<number, MessageAttempt>();
  for (const [index, receipt] of stored.d ?? []) byIndex.set(index, { at, latencyMs, outcome: 'delivered', receipt, error: null });
  for (const [index, next, reason] of stored.f ?? []) {
    const [code, message] = stored.r?.[reason] ?? ['Unknown', ''];
    byIndex.set(index, { at, latencyMs, outcome: next === 'dead' ? 'dead_lettered' : 'retry', receipt: null, error: { code, message } });
  }
  return byIndex;
}

/** Collects one chunk's attempts of one call, a failure's reason stored once. */
export class ChunkAttemptsBuilder {
  private readonly reasonIndex = new Map<string, number>();
  readonly row: ChunkAttempts;

  constructor(connectorId: string, chunkSeq: number, round: RoundFacts) {
    this.row = { connectorId, chunkSeq, at: round.at, latencyMs: round.latencyMs, delivered: [], failed: [], reasons: [] };
  }

  delivered(index: number, receipt: Receipt | undefined): void {
    this.row.delivered.push([index, receipt ?? null]);
  }

  failed(index: number, next: 'retry' | 'dead', code: string, message: string): void {
    const key = `${code}\u0000${message}`;
    let reason = this.reasonIndex.get(key);
    if (reason === undefined) {
      reason = this.row.reasons.push([code, message]) - 1;
      this.reasonIndex.set(key, reason);
    }
    this.row.failed.push([index, next, reason]);
  }

  get isEmpty(): boolean {
    return this.row.delivered.length === 0 && this.row.failed.length === 0;
  }
}
