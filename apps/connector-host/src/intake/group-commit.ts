import { Injectable, Logger } from '@nestjs/common';
import { RetryLaterError } from '../common/domain-errors.js';
import type { WriteLock } from '../store/write-lock.js';
import { DatabaseService } from '../store/database.service.js';
import { IdempotencyRepository } from '../store/idempotency.repository.js';
import { type AppendedChunk, OutboxRepository } from '../store/outbox/outbox.repository.js';
import type { RouteResult } from './event-router.js';
import { IntakeNotifications } from './intake-notifications.js';

/** A request checked and routed, to be committed with its idempotency record. */
export interface CommitRequest {
  routed: RouteResult;
  /** The scoped Idempotency-Key, the body's hash, and the answer to store with them. */
  idempotency?: { key: string; hash: string; answer: unknown };
  events: number;
  acceptedAt: number;
}

interface Queued extends CommitRequest {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: the requests that arrive within one turn of the event loop share one transaction, so a flood
 * pays one fsync per group instead of one per request; none is answered before its group committed, and a
 * group is stored whole or not at all. What waits here counts toward backlog caps and idempotency keys.
 */
@Injectable()
export class GroupCommit {
  private readonly logger = new Logger(GroupCommit.name);
  private readonly commitGroup: (group: readonly Queued[]) => AppendedChunk[];
  private queue: Queued[] = [];
  private readonly queuedByConnector = new Map<string, number>();
  private readonly queuedKeys = new Map<string, { hash: string; answer: unknown; committed: Promise<void> }>();

  private readonly writeLock: WriteLock;

  constructor(
    database: DatabaseService,
    private readonly outbox: OutboxRepository,
    idempotency: IdempotencyRepository,
    private readonly notifications: IntakeNotifications,
  ) {
    const commit = database.sqlite.transaction((group: readonly Queued[]): AppendedChunk[] => {
      // One chunk per connector for the whole group, not per request: with many connectors a request holds one or
      // two messages for each, and every chunk is a row and an index entry to write, read and delete. In queue
      // order, so a connector's messages stay in acceptance order; accepted at the group's first request.
      const appended = this.outbox.appendAll(
        group.flatMap((request) => request.routed.messages),
        group[0].acceptedAt,
      );
      for (const request of group) {
        const key = request.idempotency;
        if (key !== undefined) idempotency.record(key.key, key.hash, 202, key.answer, request.acceptedAt);
      }
      return appended;
    });
    this.commitGroup = (group) => commit.immediate(group);
    this.writeLock = database.writeLock;
  }

  /** Queues a request for the next group; resolves once it committed, rejects (nothing stored) when the store could not commit. */
  submit(request: CommitRequest): Promise<void> {
    const committed = new Promise<void>((resolve, reject) => {
      this.queue.push({ ...request, resolve, reject });
      for (const message of request.routed.messages)
        this.queuedByConnector.set(message.connectorId, (this.queuedByConnector.get(message.connectorId) ?? 0) + 1);
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
    const key = request.idempotency;
    if (key !== undefined) {
      this.queuedKeys.set(key.key, { hash: key.hash, answer: key.answer, committed });
      const forget = () => this.queuedKeys.delete(key.key);
      committed.then(forget, forget);
    }
    return committed;
  }

  /** Messages for a connector waiting in the queue. */
  queuedFor(connectorId: string): number {
    return this.queuedByConnector.get(connectorId) ?? 0;
  }

  /** A request with this key waiting in the queue: its hash, its answer, and when it is committed. */
  queuedKey(key: string): { hash: string; answer: unknown; committed: Promise<void> } | undefined {
    return this.queuedKeys.get(key);
  }

  /**
   * Commits every queued request in one transaction, then answers each; when delivery's thread is writing, once
   * it is done (what arrives meanwhile joins this group).
   */
  private flush(): void {
    void this.writeLock.whenFree(() => this.commitQueued());
  }

  private commitQueued(): void {
    const group = this.queue;
    if (group.length === 0) return;
    this.queue = [];
    this.queuedByConnector.clear();
    let appended: AppendedChunk[];
    try {
      appended = this.commitGroup(group);
    } catch (error) {
      // Disk full, I/O error, locked or read-only file: nothing was committed; the platform retries later.
      this.logger.error(`could not commit events: ${error instanceof Error ? error.message : String(error)}`);
      for (const request of group)
        request.reject(new RetryLaterError('unavailable', 'The event store could not commit this request; nothing was stored', 5));
      return;
    }
    this.outbox.committed(appended);
    for (const request of group) {
      this.notifications.committed({ routed: request.routed, events: request.events, acceptedAt: request.acceptedAt });
      request.resolve();
    }
  }
}
