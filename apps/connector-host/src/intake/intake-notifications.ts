import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { RouteResult } from './event-router.js';

/** A request whose messages were just committed to the outbox. */
export interface CommittedRequest {
  routed: RouteResult;
  /** Events in the request. */
  events: number;
  acceptedAt: number;
}

/**
 * Tells whoever cares (delivery loops to wake, the trace, metrics) that a request was committed, without
 * intake knowing them. Subscribers run synchronously, right after the commit, and must not throw.
 */
@Injectable()
export class IntakeNotifications {
  private readonly subject = new Subject<CommittedRequest>();
  private readonly refusals = new Subject<IntakeRefusal>();
  readonly committed$ = this.subject.asObservable();
  readonly refused$ = this.refusals.asObservable();

  committed(request: CommittedRequest): void {
    this.subject.next(request);
  }

  refused(refusal: IntakeRefusal): void {
    this.refusals.next(refusal);
  }
}

/** A request a bound turned away: which bound, and whose connector when it is one connector's. */
export interface IntakeRefusal {
  limit: string;
  connectorId?: string;
}
