import { Subject } from 'rxjs';
import type { RouteSkipReason } from '../../common/route-skip-reason.js';
import type { StoredAnswer } from '../repositories/idempotency.repository.js';
import type { MessageFilter } from '../message-filter.js';
import type { BacklogClaim, ClaimRefused } from './backlog-claim.js';
import type { BacklogCounters } from './backlog-counters.js';
import { CHUNK_MAX_MESSAGES, type ChunkMessage } from './outbox-chunk.js';
import type { PendingSearch, SearchedChunk } from './outbox-search.js';
import type { PendingMessage } from './pending-message.js';
import type { Settlement } from './settlement.js';

export type { PendingMessage } from './pending-message.js';

/** A routed message, ready to be committed. */
export interface NewMessage {
  connectorId: string;
  partitionKey: string;
  sourceId: string | null;
  body: string;
  /** A replay's message: the id it had the first time, which it keeps (see ChunkMessage). */
  originalId?: number;
}

/** A chunk a commit wrote, for `committed` once its transaction has committed. */
export interface AppendedChunk {
  seq: number;
  connectorId: string;
  partition: number;
  messages: ChunkMessage[];
  /** Its stored size: the UTF-8 bytes of its encoded messages. */
  bytes: number;
}

/** One request of a group commit: its messages, the skips it counts for connectors, and its idempotency record. */
export interface IntakeRecord {
  messages: readonly NewMessage[];
  skipped?: readonly { connectorId: string | null; reason: RouteSkipReason }[];
  idempotency?: { key: string; hash: string; answer: unknown };
  acceptedAt: number;
  /** Bounds near which the store verifies at commit that its messages fit; refused whole if not. */
  claims?: readonly BacklogClaim[];
}

/**
 * What a group commit wrote; `earlier`: requests another instance already committed under the same key;
 * `refused`: requests whose claims did not fit (nothing of them stored, their keys not taken).
 */
export interface GroupCommitted {
  appended: AppendedChunk[];
  earlier: Map<number, StoredAnswer>;
  refused: Map<number, ClaimRefused>;
}

/**
 * The ownership a delivery round was selected under: the partition -> epoch it held for each partition of its
 * batch. A settlement writes nothing for a partition whose lease this instance no longer holds with that epoch.
 * Absent on SQLite (one instance owns everything).
 */
export interface Fence {
  owner: string;
  epochs: ReadonlyMap<number, number>;
}

export interface SettlementItem {
  connectorId: string;
  settlement: Settlement;
  fence?: Fence;
}

/** One step of a replay of the history: its next messages (with their first ids) and how far it has read. */
export interface ReplayStep {
  id: string;
  /** The instance running it: the step writes nothing if another took it over, or it was cancelled. */
  owner: string;
  messages: readonly NewMessage[];
  /** The chunk seq it reads from next. */
  nextSeq: number;
  /** It read the last of its range: it is done once these are appended. */
  done: boolean;
}

/**
 * The outbox: every accepted, not yet settled message, in chunks (see outbox-chunk.ts), with the dead letters it
 * moves messages to and from. Two engines implement it (the embedded SQLite file, synchronous statements in one
 * process; PostgreSQL, shared by many instances, with fenced settlements); the chunk encoding, the settlement
 * arithmetic and the backlog bookkeeping are shared.
 *
 * Backlog counts are kept in memory: `counters` for every connector (intake's caps, metrics), `deliverable` for
 * the partitions this instance delivers (what its loops wait on; the same object on SQLite).
 */
export abstract class OutboxStore {
  abstract readonly counters: BacklogCounters;
  abstract readonly deliverable: BacklogCounters;
  /**
   * Whether committed chunks are kept decoded for a delivery loop on this event loop; off when delivery runs
   * elsewhere (it reads them from the store, and this loop's copy would only take memory).
   */
  keepsCommittedChunks = true;
  private readonly arrivals = new Subject<string[]>();
  /**
   * Connectors with new messages to deliver: the one channel that wakes delivery, whoever committed them (intake or a
   * replay on this event loop, the host for delivery's thread, another instance on PostgreSQL, a recount).
   */
  readonly arrived$ = this.arrivals.asObservable();

  /** New messages of these connectors are in the store: tells delivery (see `arrived$`). */
  arrived(connectorIds: Iterable<string>): void {
    const unique = [...new Set(connectorIds)];
    if (unique.length > 0) this.arrivals.next(unique);
  }

  /**
   * Runs `work` once this process's other writer of the store is not writing (SQLite: delivery's thread), without
   * blocking the event loop; `work` decides what to write when it runs, so what queued up meanwhile joins it.
   */
  whenWritable<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve) => resolve(work()));
  }

  /**
   * Commits a group of requests in one transaction: messages (one chunk per connector and partition) and keys;
   * `trace`: the commit's span (a traceparent), kept with its chunks when tracing is on.
   */
  abstract commitGroup(requests: readonly IntakeRecord[], trace?: string): Promise<GroupCommitted>;

  /** Counts committed chunks in the backlogs (and keeps them decoded for a delivery loop here), and tells delivery. */
  committed(chunks: readonly AppendedChunk[]): void {
    this.arrived(this.count(chunks));
  }

  /** Counts committed chunks in the backlogs (and keeps them decoded for a delivery loop here); returns the connectors they are deliverable for here. */
  protected abstract count(chunks: readonly AppendedChunk[]): string[];

  /**
   * A connector's backlog from its head in delivery order, `pages` pages of `pageSize` at most, leaving out the
   * profiles `skipKey` names (in flight) and, on PostgreSQL, partitions this instance may not send now.
   */
  abstract head(
    connectorId: string,
    pageSize: number,
    pages: number,
    skipKey?: (key: string) => boolean,
  ): Promise<Iterable<PendingMessage>>;

  /** Applies many rounds' settlements in one transaction; returns how many messages each settled. */
  abstract settleAll(items: readonly SettlementItem[]): Promise<number[]>;

  /** Dead-letters the pending messages of chunks accepted before `acceptedBefore` (a paused connector's); returns how many. */
  abstract expire(connectorId: string, acceptedBefore: number, limit?: number): Promise<number>;

  /**
   * Appends a replay's step and records its progress, in one transaction (a crash never sends a step twice or
   * skips one); false, writing nothing, when the replay no longer runs under `step.owner`.
   */
  abstract replayStep(step: ReplayStep): Promise<boolean>;

  /**
   * Requeues all (or the given) dead letters of a connector, in their original order; returns how many. A chunk at
   * a time, each batch its own transaction with a turn of the event loop between: replaying 100,000 holds up no
   * request (nor, on PostgreSQL, a lock) for more than one chunk's commit. Up to the newest dead letter now: what is
   * dead-lettered again while this runs waits for another replay.
   */
  async replay(connectorId: string, ids?: readonly number[]): Promise<number> {
    const acceptedAt = Date.now();
    const chosen = ids === undefined ? undefined : [...new Set(ids)].sort((a, b) => a - b);
    const upTo = chosen ? 0 : await this.lastDeadLetterId(connectorId);
    let replayed = 0;
    for (let afterId = 0, start = 0; ; start += CHUNK_MAX_MESSAGES) {
      const batch = chosen?.slice(start, start + CHUNK_MAX_MESSAGES);
      if (batch?.length === 0) break;
      const { appended, lastId } = await this.requeueDeadLetters(connectorId, batch ?? { afterId, upTo }, acceptedAt);
      afterId = lastId ?? afterId;
      this.committed(appended);
      const count = appended.reduce((sum, chunk) => sum + chunk.messages.length, 0);
      replayed += count;
      if (!batch && count === 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return replayed;
  }

  /** The id of a connector's newest dead letter (0: none). */
  protected abstract lastDeadLetterId(connectorId: string): Promise<number>;

  /**
   * One batch of a replay of dead letters, in one transaction: takes the given ones (or the oldest
   * CHUNK_MAX_MESSAGES after `afterId` up to `upTo`) out of the dead letters and appends them, in order.
   */
  protected abstract requeueDeadLetters(
    connectorId: string,
    which: readonly number[] | { afterId: number; upTo: number },
    acceptedAt: number,
  ): Promise<{ appended: AppendedChunk[]; lastId?: number }>;

  /**
   * The newest pending messages matching every given filter, newest first (an operator's search), looking back
   * through a bounded amount of the backlog (`complete` false: it stopped there).
   */
  abstract find(filter: MessageFilter, limit: number): Promise<PendingSearch>;

  /** Up to `count` chunks with a seq below `beforeSeq`, newest first, of one connector (or all): what reads page through. */
  abstract chunksBefore(connectorId: string | undefined, beforeSeq: number, count: number): Promise<SearchedChunk[]>;

  /** When the oldest pending message of a connector was accepted, if any. */
  abstract oldestAcceptedAt(connectorId: string): Promise<number | undefined>;

  /** Counts the backlogs in the store again (another event loop or instance changed them). */
  abstract recount(): Promise<void>;

  pendingCount(connectorId: string): number {
    return this.counters.count(connectorId);
  }

  /** Bytes the store holds for a connector's backlog: its chunks, each whole until its last message settles. */
  pendingBytes(connectorId: string): number {
    return this.counters.bytes(connectorId);
  }

  /** Messages of a connector this instance may deliver (its own partitions). */
  deliverableCount(connectorId: string): number {
    return this.deliverable.count(connectorId);
  }

  /**
   * Another event loop changed or deleted the connector's set-up: what this outbox keeps of it in memory for
   * delivery is read again from the store (a deleted connector's chunks went with it).
   */
  changedElsewhere(connectorId: string): void {
    void connectorId;
  }

  /** The connector was deleted (its chunks went with it). */
  forget(connectorId: string): void {
    this.counters.forget(connectorId);
    this.deliverable.forget(connectorId);
  }
}
