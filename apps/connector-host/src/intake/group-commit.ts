import { Injectable, Logger } from '@nestjs/common';
import { endSpan, HostTracing, SpanKind, SpanStatusCode, traceparentOf } from '../observability/host-tracing.js';
import { commitAttributes } from './intake-spans.js';
import { RetryLaterError } from '../common/domain-errors.js';
import type { StoredAnswer } from '../store/repositories/idempotency.repository.js';
import { type GroupCommitted, OutboxStore } from '../store/outbox/outbox-store.js';
import type { RouteResult } from './event-router.js';
import { IntakeNotifications } from './intake-notifications.js';
import type { QuotaClaim } from './quota-claim.js';

/** Messages and their bytes (UTF-8 bodies and keys) a request adds to one connector's backlog. */
export interface BacklogShare {
  messages: number;
  bytes: number;
}

/** A request checked and routed, to be committed with its idempotency record. */
export interface CommitRequest {
  routed: RouteResult;
  /** What it adds to each connector's backlog: counted as uncommitted from now until its commit settled. */
  shares: ReadonlyMap<string, BacklogShare>;
  /** The scoped Idempotency-Key, the body's hash, and the answer to store with them. */
  idempotency?: { key: string; hash: string; answer: unknown };
  events: number;
  acceptedAt: number;
  /** Bounds it comes near: the store verifies them at commit, and refuses it whole (with the claim's refusal) if over. */
  claims?: readonly QuotaClaim[];
  /** The request's span (a traceparent), with tracing on: the commit's span links to it. */
  trace?: string;
}

interface Queued extends CommitRequest {
  resolve: (earlier: StoredAnswer | undefined) => void;
  reject: (error: unknown) => void;
}

const NOTHING: BacklogShare = Object.freeze({ messages: 0, bytes: 0 });

/**
 * Group commit: the requests that arrive within one turn of the event loop share one transaction, so a flood
 * pays one commit per group instead of one per request; none is answered before its group committed, and a
 * group is stored whole or not at all. What waits here, or is being committed, counts toward backlog caps and
 * quotas (until the outbox counts it) and idempotency keys.
 */
@Injectable()
export class GroupCommit {
  private readonly logger = new Logger(GroupCommit.name);
  private queue: Queued[] = [];
  /** Per connector: what requests queued or being committed add, until their commit settled. */
  private readonly uncommitted = new Map<string, BacklogShare>();
  /** The commits under way, one after the other. */
  private committing: Promise<void> = Promise.resolve();
  private readonly queuedKeys = new Map<string, { hash: string; answer: unknown; committed: Promise<StoredAnswer | undefined> }>();

  constructor(
    private readonly outbox: OutboxStore,
    private readonly notifications: IntakeNotifications,
    private readonly tracing: HostTracing,
  ) {}

  /**
   * Queues a request for the next group; resolves once it committed (with the first answer when another instance
   * had already committed its Idempotency-Key: then nothing of it was stored), rejects (nothing stored) when the
   * store could not commit, or found it past one of its claims' bounds (with that claim's refusal).
   */
  submit(request: CommitRequest): Promise<StoredAnswer | undefined> {
    const committed = new Promise<StoredAnswer | undefined>((resolve, reject) => {
      this.queue.push({ ...request, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
    // Uncounted only once settled: by then a commit has added it to the outbox's counts (which happens first).
    this.count(request.shares, 1);
    const settled = () => this.count(request.shares, -1);
    committed.then(settled, settled);
    const key = request.idempotency;
    if (key !== undefined) {
      this.queuedKeys.set(key.key, { hash: key.hash, answer: key.answer, committed });
      const forget = () => this.queuedKeys.delete(key.key);
      committed.then(forget, forget);
    }
    return committed;
  }

  /**
   * Messages for a connector queued or being committed, and their bytes (bodies and keys: the stored chunk adds
   * its JSON's escaping, which the outbox's exact count shows once committed).
   */
  uncommittedFor(connectorId: string): BacklogShare {
    return this.uncommitted.get(connectorId) ?? NOTHING;
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
    // In turn: a group retried request by request ends before the next group starts, so arrival order holds (a
    // newer request of a profile never commits before an older one still waiting behind a refused request).
    this.committing = this.committing
      .then(async () => {
        await this.outbox.whenWritable(() => this.commitQueued());
      })
      // Never a broken chain: a commit that failed in an unforeseen way must not stop every later one.
      .catch((error: unknown) => this.logger.error(`group commit failed: ${error instanceof Error ? error.message : String(error)}`));
  }

  private async commitQueued(): Promise<void> {
    const group = this.queue;
    if (group.length === 0) return;
    this.queue = [];
    if (await this.commit(group)) return;
    // The group failed as a whole: each request alone, so one that cannot be stored (whatever it holds) never takes
    // the others with it; a store that is down fails each of them the same way.
    for (const request of group) await this.outbox.whenWritable(() => this.commit([request]));
  }

  private count(shares: ReadonlyMap<string, BacklogShare>, sign: 1 | -1): void {
    for (const [connectorId, share] of shares) {
      const total = this.uncommitted.get(connectorId) ?? { messages: 0, bytes: 0 };
      total.messages += sign * share.messages;
      total.bytes += sign * share.bytes;
      if (total.messages <= 0 && total.bytes <= 0) this.uncommitted.delete(connectorId);
      else this.uncommitted.set(connectorId, total);
    }
  }

  /** Commits requests in one transaction and answers each; false (nobody answered) when a group of several failed. */
  private async commit(group: Queued[]): Promise<boolean> {
    let result: GroupCommitted;
    // With tracing on: a span for the commit, linked to its requests' spans, kept with the chunks it writes.
    const span = this.tracing.start(
      'commit',
      SpanKind.INTERNAL,
      group.flatMap((request) => request.trace ?? []),
    );
    try {
      result = await this.outbox.commitGroup(
        group.map((request) => ({
          messages: request.routed.messages,
          skipped: request.routed.skips,
          idempotency: request.idempotency,
          acceptedAt: request.acceptedAt,
          claims: request.claims,
        })),
        traceparentOf(span),
      );
    } catch (error) {
      endSpan(span, { code: SpanStatusCode.ERROR, message: 'the store could not commit' });
      if (group.length > 1) return false;
      // Disk full, I/O error, locked or read-only file, database unreachable: nothing was committed; the platform retries later.
      this.logger.error(`could not commit events: ${error instanceof Error ? error.message : String(error)}`);
      group[0].reject(new RetryLaterError('unavailable', 'The event store could not commit this request; nothing was stored', 5));
      return true;
    }
    // Outside the commit's try: nothing after a commit may make it look failed (its group would be stored again).
    endSpan(span, undefined, commitAttributes(group.length, result.appended));
    try {
      this.outbox.committed(result.appended);
    } catch (error) {
      // Committed all the same: answered as such (the counts catch up at the next recount), never left waiting.
      this.logger.error(`committed, but could not count the commit: ${error instanceof Error ? error.message : String(error)}`);
    }
    group.forEach((request, index) => this.answer(request, result, index));
    return true;
  }

  /** Answers one request of a committed group; never leaves it waiting, whatever its answer's making throws. */
  private answer(request: Queued, result: GroupCommitted, index: number): void {
    try {
      const refused = result.refused.get(index);
      if (refused) {
        const claim = request.claims?.[refused.claim];
        request.reject(
          claim
            ? claim.refusal(refused.held)
            : new RetryLaterError('unavailable', 'The store refused this request at commit; nothing was stored', 30),
        );
        return;
      }
      const earlier = result.earlier.get(index);
      // Answered first: what listens to the commit cannot hold the client's answer up.
      request.resolve(earlier);
      if (!earlier) this.notifications.committed({ routed: request.routed, events: request.events, acceptedAt: request.acceptedAt });
    } catch (error) {
      this.logger.error(`could not answer a committed request: ${error instanceof Error ? error.message : String(error)}`);
      request.reject(
        new RetryLaterError('unavailable', 'The host could not answer this request; retry it (its Idempotency-Key answers once)', 5),
      );
    }
  }
}
