import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { ConnectorChanges } from '../setups/connector-changes.js';
import { ConnectorsRepository } from '../store/repositories/connectors.repository.js';
import { RoutingVersion } from '../store/repositories/routing-version.js';
import { StoreSignals } from '../store/cluster/store-signals.js';

/**
 * Set-up changes between instances sharing one PostgreSQL: a change made here (a connector saved, paused or
 * deleted, a binding added or removed) is told to the others once committed; one heard from another instance
 * drops this instance's routing answers and reaches its open instances and delivery loops as if made here.
 */
@Injectable()
export class SetupSync implements OnModuleInit, OnModuleDestroy {
  private readonly subscriptions = new Subscription();

  constructor(
    private readonly signals: StoreSignals,
    private readonly changes: ConnectorChanges,
    private readonly routing: RoutingVersion,
    private readonly connectors: ConnectorsRepository,
  ) {}

  onModuleInit(): void {
    if (!this.signals.enabled) return;
    this.subscriptions.add(this.changes.madeHere$.subscribe((id) => void this.signals.setupChanged(id)));
    this.subscriptions.add(this.routing.bumpedHere$.subscribe(() => void this.signals.setupChanged('routing')));
    this.subscriptions.add(this.signals.setupChanged$.subscribe((what) => void this.heard(what)));
  }

  onModuleDestroy(): void {
    this.subscriptions.unsubscribe();
  }

  private async heard(what: string): Promise<void> {
    this.routing.heard();
    if (what === 'routing') return;
    if (what !== 'all') {
      this.changes.heard(what);
      return;
    }
    // The link was down: anything may have changed.
    for (const id of await this.connectors.ids().catch(() => [])) this.changes.heard(id);
  }
}
