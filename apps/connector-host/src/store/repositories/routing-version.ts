import { Subject } from 'rxjs';
import { Injectable } from '@nestjs/common';

/**
 * Counts changes to what routing reads (bindings, and the connector fields joined to them), so the routing lookup
 * can keep its answers in memory and drop them when something changed. Bumped after the write, so an answer read
 * before it is never kept past it.
 */
@Injectable()
export class RoutingVersion {
  private version = 0;

  get value(): number {
    return this.version;
  }

  private readonly bumps = new Subject<void>();
  /** Bumps made here (not heard from another instance): what the cluster passes on. */
  readonly bumpedHere$ = this.bumps.asObservable();

  bump(): void {
    this.version++;
    this.bumps.next();
  }

  /** Another instance changed what routing reads. */
  heard(): void {
    this.version++;
  }
}
