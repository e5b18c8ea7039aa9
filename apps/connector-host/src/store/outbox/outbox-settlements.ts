import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database.service.js';
import { DeadLettersRepository } from '../dead-letters.repository.js';
import { ChunkChanges } from './chunk-changes.js';
import { chunkOf, decodeState, indexIn } from './outbox-chunk.js';
import { OutboxRepository } from './outbox.repository.js';

export interface RetryUpdate {
  seq: number;
  nextAttemptAt: number;
  code: string;
  message: string;
}

export interface DeadLetterUpdate {
  seq: number;
  code: string;
  message: string;
}

/** What one delivery round decided, written in one transaction. */
export interface Settlement {
  delivered: number[];
  retry: RetryUpdate[];
  dead: DeadLetterUpdate[];
}

/**
 * Writes what delivery decided: delivered messages leave the outbox, retried ones get their new attempt,
 * refused or expired ones move to the dead letters, each decision in one transaction over both tables.
 */
@Injectable()
export class OutboxSettlements {
  constructor(
    private readonly database: DatabaseService,
    private readonly outbox: OutboxRepository,
    private readonly deadLetters: DeadLettersRepository,
  ) {}

  /**
   * Applies a round's settlement. A settlement only removes acknowledged messages (or moves them to dead
   * letters): if a power cut loses it, those messages are sent again (a duplicate, never a loss). So it commits
   * without its own fsync; the next accepting commit (synchronous=FULL) makes it durable with everything before it.
   */
  settleFor(connectorId: string, settlement: Settlement): void {
    this.settleAll([{ connectorId, settlement }]);
  }

  /**
   * Applies the settlements of many rounds (of any connectors) in one transaction: one commit instead of one per
   * call, which is most of a small call's store cost. Each settlement reads the chunks as the previous ones left
   * them, so two rounds settling messages of the same chunk compose. Returns how many messages each settled.
   */
  settleAll(items: readonly { connectorId: string; settlement: Settlement }[]): number[] {
    const now = Date.now();
    const applied: ChunkChanges[] = [];
    this.database.withoutFsync(() =>
      this.database.transaction(() => {
        for (const { settlement } of items) {
          const changes = this.changesOf(settlement, now);
          this.deadLetters.insertAll(changes.buried);
          this.outbox.storeOutcomes(changes.outcomes);
          applied.push(changes);
        }
      }),
    );
    return applied.map((changes, index) => {
      this.outbox.outcomesCommitted(changes.outcomes);
      // By what was actually settled: a message settled twice (or of a deleted connector) is not counted again.
      this.outbox.adjust(items[index].connectorId, -changes.settled);
      return changes.settled;
    });
  }

  /**
   * Dead-letters the pending messages of chunks accepted before `acceptedBefore`, whole chunks until at least
   * `limit` messages (bounds one transaction); returns how many.
   */
  expire(connectorId: string, acceptedBefore: number, limit = 10_000): number {
    const changes = new ChunkChanges();
    const now = Date.now();
    let count = 0;
    // Each chunk holds at least one message: `limit` chunks are always enough.
    for (const row of this.outbox.chunksAcceptedBefore(connectorId, acceptedBefore, limit)) {
      if (count >= limit) break;
      const state = decodeState(row.state);
      this.outbox.messagesOf(row).forEach(([partitionKey, sourceId, body], index) => {
        if (state.done.has(index)) return;
        const retry = state.retry.get(index);
        const lastError = retry ? `${retry[2]}: ${retry[3]}` : 'none';
        changes.bury([
          connectorId,
          partitionKey,
          sourceId,
          body,
          row.accepted_at,
          retry?.[0] ?? 0,
          now,
          'MaxAgeExceeded',
          `undelivered past the maximum age; last error ${lastError}`,
        ]);
        count++;
      });
      changes.store(row.seq, 0, state);
    }
    if (changes.isEmpty()) return 0;
    this.write(changes);
    this.outbox.adjust(connectorId, -count);
    return count;
  }

  private write(changes: ChunkChanges): void {
    this.database.transaction(() => {
      this.deadLetters.insertAll(changes.buried);
      this.outbox.storeOutcomes(changes.outcomes);
    });
    this.outbox.outcomesCommitted(changes.outcomes);
  }

  private changesOf(settlement: Settlement, now: number): ChunkChanges {
    const changes = new ChunkChanges();
    const byChunk = new Map<number, Settlement>();
    const of = (seq: number) => {
      let entry = byChunk.get(chunkOf(seq));
      if (!entry) byChunk.set(chunkOf(seq), (entry = { delivered: [], retry: [], dead: [] }));
      return entry;
    };
    for (const seq of settlement.delivered) of(seq).delivered.push(seq);
    for (const retry of settlement.retry) of(retry.seq).retry.push(retry);
    for (const dead of settlement.dead) of(dead.seq).dead.push(dead);

    for (const [chunkSeq, update] of byChunk) {
      const row = this.outbox.chunk(chunkSeq);
      if (!row) continue; // its connector was deleted meanwhile
      const state = decodeState(row.state);
      let settled = 0;
      const settle = (index: number) => {
        if (state.done.has(index)) return;
        state.done.add(index);
        state.retry.delete(index);
        settled++;
      };
      for (const seq of update.delivered) settle(indexIn(seq));
      for (const dead of update.dead) {
        const index = indexIn(dead.seq);
        if (state.done.has(index)) continue;
        const [partitionKey, sourceId, body] = this.outbox.messagesOf(row)[index];
        const attempts = (state.retry.get(index)?.[0] ?? 0) + 1;
        changes.bury([row.connector_id, partitionKey, sourceId, body, row.accepted_at, attempts, now, dead.code, dead.message]);
        settle(index);
      }
      for (const retry of update.retry) {
        const index = indexIn(retry.seq);
        if (state.done.has(index)) continue;
        state.retry.set(index, [(state.retry.get(index)?.[0] ?? 0) + 1, retry.nextAttemptAt, retry.code, retry.message]);
      }
      changes.store(row.seq, row.pending - settled, state);
      changes.settled += settled;
    }
    return changes;
  }
}
