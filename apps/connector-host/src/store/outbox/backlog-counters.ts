/** Hears a change made on this event loop (not one `apply` brought from another). */
export type BacklogListener = (connectorId: string, delta: number) => void;

/**
 * Each connector's number of pending messages, kept in memory and exact: the outbox is the only writer of its
 * table, and every change to it goes through `add`. Read on every ingest (the backlog cap) and every scrape.
 * When intake and delivery run on two event loops, each keeps its own counters: a loop's own changes go through
 * `add` (and its listener sends them to the other loop), the other loop's arrive through `apply`.
 */
export class BacklogCounters {
  private readonly pending = new Map<string, number>();
  private listener?: BacklogListener;

  /** Starts from the counts the store holds. */
  constructor(initial: Iterable<{ connectorId: string; pending: number }> = []) {
    this.replaceAll(initial);
  }

  count(connectorId: string): number {
    return this.pending.get(connectorId) ?? 0;
  }

  /** A change made here: counted, and told to the listener. */
  add(connectorId: string, delta: number): void {
    this.apply(connectorId, delta);
    this.listener?.(connectorId, delta);
  }

  /** A change made on another event loop: counted only. Never below zero (a deleted connector's late settlements). */
  apply(connectorId: string, delta: number): void {
    const next = this.count(connectorId) + delta;
    if (next > 0) this.pending.set(connectorId, next);
    else this.pending.delete(connectorId);
  }

  forget(connectorId: string): void {
    this.pending.delete(connectorId);
  }

  /** Every connector with messages pending, for another event loop to start from. */
  entries(): { connectorId: string; pending: number }[] {
    return [...this.pending].map(([connectorId, pending]) => ({ connectorId, pending }));
  }

  /** Starts again from these counts (a fresh read of the store, or another loop's `entries`). */
  replaceAll(counts: Iterable<{ connectorId: string; pending: number }>): void {
    this.pending.clear();
    for (const { connectorId, pending } of counts) this.apply(connectorId, pending);
  }

  /** One listener: the link to the other event loop. */
  listen(listener: BacklogListener | undefined): void {
    this.listener = listener;
  }
}
