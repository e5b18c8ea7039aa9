import { Injectable, Logger } from '@nestjs/common';
import { RetryLaterError } from '../common/domain-errors.js';
import type { StoredAnswer } from '../store/idempotency.repository.js';
import { type GroupCommitted, OutboxStore } from '../store/outbox/outbox-store.js';
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
  resolve: (earlier: StoredAnswer | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: the requests that arrive within one turn of the event loop share one transaction, so a flood
 * pays one commit per group instead of one per request; none is answered before its group committed, and a
 * group is stored whole or not at all. What waits here counts toward backlog caps and idempotency keys.
 */
@Injectable()
export class GroupCommit {
  private readonly logger = new Logger(GroupCommit.name);
  private queue: Queued[] = [];
  private readonly queuedByConnector = new Map<string, { messages: number; bytes: number }>();
  private readonly queuedKeys = new Map<string, { hash: string; answer: unknown; committed: Promise<StoredAnswer | undefined> }>();

  constructor(
    private readonly outbox: OutboxStore,
    private readonly notifications: IntakeNotifications,
  ) {}

  /**
   * Queues a request for the next group; resolves once it committed (with the first answer when another instance
   * had already committed its Idempotency-Key: then nothing of it was stored), rejects (nothing stored) when the
   * store could not commit.
   */
  submit(request: CommitRequest): Promise<StoredAnswer | undefined> {
    const committed = new Promise<StoredAnswer | undefined>((resolve, reject) => {
      this.queue.push({ ...request, resolve, reject });
      for (const { connectorId, partitionKey, body } of request.routed.messages) {
        let queued = this.queuedByConnector.get(connectorId);
        if (!queued) this.queuedByConnector.set(connectorId, (queued = { messages: 0, bytes: 0 }));
        queued.messages += 1;
        // Characters, not bytes: cheap, and what a backlog quota needs from messages about to be stored.
        queued.bytes += partitionKey.length + body.length;
      }
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
    return this.queuedByConnector.get(connectorId)?.messages ?? 0;
  }

  /** About how many bytes those messages will take in the store (their keys and bodies). */
  queuedBytesFor(connectorId: string): number {
    return this.queuedByConnector.get(connectorId)?.bytes ?? 0;
  }

  /** A request with this key waiting in the queue: its hash, its answer, and when it is committed. */
  queuedKey(key: string): { hash: string; answer: unknown; committed: Promise<StoredAnswer | undefined> } | undefined {
    return this.queuedKeys.get(key);
  }

  /**
   * Commits every queued request in one transaction, then answers each; on SQLite once delivery's thread is not
   * writing (what arrives meanwhile joins this group).
   */
  private flush(): void {
    void this.outbox.whenWritable(() => this.commitQueued());
  }

  private async commitQueued(): Promise<void> {
    const group = this.queue;
    if (group.length === 0) return;
    this.queue = [];
    this.queuedByConnector.clear();
    if (await this.commit(group)) return;
    // The group failed as a whole: each request alone, so one that cannot be stored (whatever it holds) never takes
    // the others with it; a store that is down fails each of them the same way.
    for (const request of group) await this.outbox.whenWritable(() => this.commit([request]));
  }

  /** Commits requests in one transaction and answers each; false (nobody answered) when a group of several failed. */
  private async commit(group: Queued[]): Promise<boolean> {
    let result: GroupCommitted;
    try {
      result = await this.outbox.commitGroup(
        group.map((request) => ({
          messages: request.routed.messages,
          skipped: request.routed.skips,
          idempotency: request.idempotency,
          acceptedAt: request.acceptedAt,
        })),
      );
    } catch (error) {
      if (group.length > 1) return false;
      // Disk full, I/O error, locked or read-only file, database unreachable: nothing was committed; the platform retries later.
      this.logger.error(`could not commit events: ${error instanceof Error ? error.message : String(error)}`);
      group[0].reject(new RetryLaterError('unavailable', 'The event store could not commit this request; nothing was stored', 5));
      return true;
    }
    this.outbox.committed(result.appended);
    group.forEach((request, index) => {
      const earlier = result.earlier.get(index);
      if (!earlier) this.notifications.committed({ routed: request.routed, events: request.events, acceptedAt: request.acceptedAt });
      request.resolve(earlier);
    });
    return true;
  }
}
