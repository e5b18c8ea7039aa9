import type { ChunkRow } from '../outbox/settlement.js';

/**
 * The pending chunk rows of connectors with small backlogs, kept by the SQLite outbox that delivers them: with many
 * tenants most rounds are a connector's one or two chunks, and reading them from here instead of a query saves
 * most of a small round's store cost (a query is ~40 us in the host, two per round: before and after a linger).
 *
 * Rows are only ever trusted, never assumed: a connector's rows count when their pending messages add up to its
 * backlog count. This outbox applies every change it commits to the rows it holds (settlements, expiries); chunks
 * another event loop commits (intake, replay) raise the count first, so the next read goes to the store; a set-up
 * changed or deleted elsewhere drops them. This rests on one rule: only the delivering outbox ever lowers its own
 * count. A path that lowered it from elsewhere (a purge on the other event loop) would hide a chunk until the
 * connector's next arrival, so such a path must drop the rows too.
 */
export class HeadChunks {
  private readonly byConnector = new Map<string, ChunkRow[]>();

  /** A connector's pending chunks in seq order, if held and complete for its `pending` messages. */
  rowsOf(connectorId: string, pending: number): readonly ChunkRow[] | undefined {
    const rows = this.byConnector.get(connectorId);
    if (!rows) return undefined;
    let held = 0;
    for (const row of rows) held += row.pending;
    return held === pending ? rows : undefined;
  }

  /**
   * A connector's chunks as just read from the store: all of them (`complete`) are held; a longer backlog is read
   * from the store page by page (a query is then cheap per message), so what is held stays a page per connector.
   */
  keep(connectorId: string, rows: readonly ChunkRow[], complete: boolean): void {
    if (rows.length === 0 || !complete) this.byConnector.delete(connectorId);
    else this.byConnector.set(connectorId, [...rows]);
  }

  /** A committed change left chunk `seq` of the connector with `pending` messages (0: removed) in `state`. */
  changed(connectorId: string, seq: number, pending: number, state: string | null): void {
    const rows = this.byConnector.get(connectorId);
    const at = rows?.findIndex((row) => row.seq === seq) ?? -1;
    if (!rows || at === -1) return;
    if (pending > 0) rows[at] = { ...rows[at], pending, state };
    else if (rows.length === 1) this.byConnector.delete(connectorId);
    else rows.splice(at, 1);
  }

  forget(connectorId: string): void {
    this.byConnector.delete(connectorId);
  }
}
