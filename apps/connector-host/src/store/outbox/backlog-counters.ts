/**
 * Each connector's number of pending messages, kept in memory and exact: the outbox is the only writer of its
 * table, and every change to it goes through `add`. Read on every ingest (the backlog cap) and every scrape.
 */
export class BacklogCounters {
  private readonly pending = new Map<string, number>();

  /** Starts from the counts the store holds. */
  constructor(initial: Iterable<{ connectorId: string; pending: number }> = []) {
    for (const { connectorId, pending } of initial) this.add(connectorId, pending);
  }

  count(connectorId: string): number {
    return this.pending.get(connectorId) ?? 0;
  }

  add(connectorId: string, delta: number): void {
    const next = this.count(connectorId) + delta;
    if (next > 0) this.pending.set(connectorId, next);
    else this.pending.delete(connectorId);
  }

  forget(connectorId: string): void {
    this.pending.delete(connectorId);
  }
}
