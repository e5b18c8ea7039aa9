import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';

/** Tells whoever holds per-connector state (open instances, delivery loops) that a set-up changed or went. */
@Injectable()
export class ConnectorChanges {
  private readonly subject = new Subject<string>();
  private readonly madeHereSubject = new Subject<string>();
  /** Every change, wherever it was made. */
  readonly changed$ = this.subject.asObservable();
  /** Changes made on this event loop: what the link to another loop (delivery's thread) passes on. */
  readonly madeHere$ = this.madeHereSubject.asObservable();

  changed(connectorId: string): void {
    this.subject.next(connectorId);
    this.madeHereSubject.next(connectorId);
  }

  /** A change another event loop made (and already wrote to the store): told here, not passed back. */
  heard(connectorId: string): void {
    this.subject.next(connectorId);
  }
}
