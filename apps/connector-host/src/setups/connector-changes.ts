import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';

/** Tells whoever holds per-connector state (open instances, delivery loops) that a set-up changed or went. */
@Injectable()
export class ConnectorChanges {
  private readonly subject = new Subject<string>();
  readonly changed$ = this.subject.asObservable();

  changed(connectorId: string): void {
    this.subject.next(connectorId);
  }
}
