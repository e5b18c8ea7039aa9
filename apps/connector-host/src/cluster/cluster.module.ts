import { Module } from '@nestjs/common';
import { ConnectorSdkModule } from '@event-connectors/connector-sdk';
import { CallBudgetCheck } from './call-budget-check.js';
import { SetupsModule } from '../setups/setups.module.js';
import { StoreModule } from '../store/store.module.js';
import { ClusterHealth } from './cluster-health.js';
import { ClusterMembership } from './cluster-membership.js';
import { PartitionLeaseKeeper } from './partition-lease-keeper.js';
import { SetupSync } from './setup-sync.js';

/**
 * Many instances on one PostgreSQL: membership and heartbeats, the partition leases a delivering instance holds,
 * set-up changes passed between instances, and the cluster's health. Inert on SQLite (one instance, one partition).
 */
@Module({
  imports: [ConnectorSdkModule, StoreModule, SetupsModule],
  providers: [ClusterMembership, PartitionLeaseKeeper, SetupSync, ClusterHealth, CallBudgetCheck],
  exports: [ClusterHealth],
})
export class ClusterModule {}
