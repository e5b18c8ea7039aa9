import type { HostConfig } from '../config/host.config.js';

/** All a connector plugin may know of the host that loads it; the rest of the host's configuration is not its business. */
export interface HostFacts {
  /** APP_ENV=production: development conveniences (an embedded emulator, plain http to loopback) are refused. */
  production: boolean;
  /** Many instances share the store (PostgreSQL): work moves between them through expiring partition leases. */
  sharedStore: boolean;
  /**
   * The longest one delivery call may take here: on a shared store, a lease less its margin (a call that could
   * outlast it makes the host refuse to start); unbounded on SQLite.
   */
  callBudgetMs: number;
  /** The host's data folder: where a plugin may keep files of its own (an emulator's streams). */
  dataDir: string;
}

export function hostFacts(config: HostConfig): HostFacts {
  const sharedStore = config.databaseUrl !== undefined;
  const { leaseTtlMs, leaseMarginMs } = config.cluster;
  return {
    production: config.production,
    sharedStore,
    callBudgetMs: sharedStore ? leaseTtlMs - leaseMarginMs : Number.POSITIVE_INFINITY,
    dataDir: config.dataDir,
  };
}
