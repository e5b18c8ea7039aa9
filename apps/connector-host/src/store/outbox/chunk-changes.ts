import type { ChunkAttempts } from '../history/chunk-attempts.js';
import type { NewDeadLetter } from '../repositories/dead-letters.repository.js';
import { TrafficTally } from '../traffic/traffic-tally.js';
import type { ChunkState } from './outbox-chunk.js';

/** A chunk as a settlement leaves it: its pending count and state (pending 0: removed), and what it settled. */
export interface ChunkOutcome {
  connectorId: string;
  partition: number;
  pending: number;
  state: ChunkState;
  /** Messages this change settles in the chunk (delivered or buried): what leaves the backlog. */
  settled: number;
  /** Its messages moving to the dead letters. */
  buried: NewDeadLetter[];
  /** The chunk's stored bytes if this change removes it (nothing left pending), else 0. */
  freedBytes: number;
}

/**
 * What settlements or an expiry decide, to be written in one transaction: chunk states, removals, dead letters,
 * and what they add to the traffic statistics. `keepsHistory`: the store keeps the message history, so the changes
 * also carry each call's attempts and why a message was dead-lettered, and a chunk with nothing left pending moves
 * to the history instead of going.
 */
export class ChunkChanges {
  readonly outcomes = new Map<number, ChunkOutcome>();
  readonly tally = new TrafficTally();
  readonly attempts: ChunkAttempts[] = [];

  constructor(readonly keepsHistory = false) {}

  /** A chunk's new state, or its removal once none of its messages is pending; composes with an earlier change. */
  store(
    row: { seq: number; connector_id: string; partition: number; bytes: number },
    pending: number,
    state: ChunkState,
    settled: number,
    buried: NewDeadLetter[],
  ): void {
    const earlier = this.outcomes.get(row.seq);
    this.outcomes.set(row.seq, {
      connectorId: row.connector_id,
      partition: row.partition,
      pending: Math.max(0, pending),
      state,
      settled: (earlier?.settled ?? 0) + settled,
      buried: earlier ? [...earlier.buried, ...buried] : buried,
      freedBytes: pending <= 0 ? row.bytes : 0,
    });
  }

  /**
   * The attempts to write as rows of their own, and those of each chunk this change moves to the history (written
   * in its history row instead).
   */
  attemptsByPlace(): { rows: ChunkAttempts[]; final: Map<number, ChunkAttempts[]> } {
    const rows: ChunkAttempts[] = [];
    const final = new Map<number, ChunkAttempts[]>();
    for (const attempt of this.attempts) {
      if (this.outcomes.get(attempt.chunkSeq)?.pending !== 0) rows.push(attempt);
      else final.set(attempt.chunkSeq, [...(final.get(attempt.chunkSeq) ?? []), attempt]);
    }
    return { rows, final };
  }

  get settled(): number {
    let sum = 0;
    for (const outcome of this.outcomes.values()) sum += outcome.settled;
    return sum;
  }

  get buried(): NewDeadLetter[] {
    return [...this.outcomes.values()].flatMap((outcome) => outcome.buried);
  }

  isEmpty(): boolean {
    return this.outcomes.size === 0;
  }
}
