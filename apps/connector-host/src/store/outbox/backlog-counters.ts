/** Hears a change made on this event loop (not one `apply` brought from another): messages and stored bytes. */
export type BacklogListener = (connectorId: string, delta: number, bytes: number) => void;

/** A connector's backlog: its pending messages, and the bytes of the stored chunks that hold them. */
export interface BacklogCount {
  connectorId: string;
  pending: number;
  /** Bytes of its chunks in the store; a chunk counts whole until its last message settles (what it occupies). */
  bytes: number;
}

interface Tally {
  pending: number;
  bytes: number;
}

/**
 * Each connector's number of pending messages and their stored bytes, kept in memory and exact: the outbox is the
 * only writer of its table, and every change to it goes through `add`. Read on every ingest (the backlog caps and
 * quotas) and every scrape. When intake and delivery run on two event loops, each keeps its own counters: a
 * loop's own changes go through `add` (and its listener sends them to the other loop), the other loop's arrive
 * through `apply`.
 */
export class BacklogCounters {
  private readonly tallies = new Map<string, Tally>();
  private listener?: BacklogListener;

  /** Starts from the counts the store holds. */
  constructor(initial: Iterable<BacklogCount> = []) {
    this.replaceAll(initial);
  }

  count(connectorId: string): number {
    return this.tallies.get(connectorId)?.pending ?? 0;
  }

  bytes(connectorId: string): number {
    return this.tallies.get(connectorId)?.bytes ?? 0;
  }

  /** A change made here: counted, and told to the listener. */
  add(connectorId: string, delta: number, bytes = 0): void {
    this.apply(connectorId, delta, bytes);
    this.listener?.(connectorId, delta, bytes);
  }

  /**
   * A change made on another event loop: counted only. Never below zero (a deleted connector's late settlements);
   * a connector leaves once it has neither messages nor bytes.
   */
  apply(connectorId: string, delta: number, bytes = 0): void {
    let tally = this.tallies.get(connectorId);
    if (!tally) {
      if (delta <= 0 && bytes <= 0) return;
      this.tallies.set(connectorId, (tally = { pending: 0, bytes: 0 }));
    }
    tally.pending = Math.max(0, tally.pending + delta);
    tally.bytes = Math.max(0, tally.bytes + bytes);
    if (tally.pending === 0 && tally.bytes === 0) this.tallies.delete(connectorId);
  }

  forget(connectorId: string): void {
    this.tallies.delete(connectorId);
  }

  /** Every connector with a backlog, for another event loop to start from. */
  entries(): BacklogCount[] {
    return [...this.tallies].map(([connectorId, { pending, bytes }]) => ({ connectorId, pending, bytes }));
  }

  /** Starts again from these counts (a fresh read of the store, or another loop's `entries`). */
  replaceAll(counts: Iterable<BacklogCount>): void {
    this.tallies.clear();
    for (const { connectorId, pending, bytes } of counts) this.apply(connectorId, pending, bytes);
  }

  /** One listener: the link to the other event loop. */
  listen(listener: BacklogListener | undefined): void {
    this.listener = listener;
  }
}
