import type { NewDeadLetter } from '../dead-letters.repository.js';
import type { ChunkState } from './outbox-chunk.js';

/** A chunk as a settlement leaves it: its pending count and state (pending 0: removed). */
export interface ChunkOutcome {
  pending: number;
  state: ChunkState;
}

/** What a settlement or an expiry decides, to be written in one transaction: dead letters, new chunk states, removed chunks. */
export class ChunkChanges {
  readonly buried: NewDeadLetter[] = [];
  readonly outcomes = new Map<number, ChunkOutcome>();
  /** Messages this change settles (delivered or buried): what leaves the backlog. */
  settled = 0;

  bury(row: NewDeadLetter): void {
    this.buried.push(row);
  }

  /** A chunk's new state, or its removal once none of its messages is pending. */
  store(chunkSeq: number, pending: number, state: ChunkState): void {
    this.outcomes.set(chunkSeq, { pending: Math.max(0, pending), state });
  }

  isEmpty(): boolean {
    return this.buried.length === 0 && this.outcomes.size === 0;
  }
}
