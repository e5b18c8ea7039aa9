import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  type CheckContext,
  type CheckResult,
  type ConnectorInstance,
  ConnectorRegistry,
  type EventConnector,
  validateSettings,
} from '@event-connectors/connector-sdk';
import type { ConnectorRow } from '../store/repositories/connectors.repository.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { TrafficStatsRepository } from '../store/traffic/traffic-stats.repository.js';
import { dayOf } from '../store/traffic/traffic-tally.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { ConnectorChanges } from './connector-changes.js';
import { SECRET_BOX } from './secret-box.provider.js';
import { storedForm } from './setup-settings.js';
import { SharedInstance } from './shared-instance.js';

const DAY_MS = 86_400_000;

/** Checks an instance opened for the check alone, within `timeoutMs`, and closes it (ending a check still running). */
export async function checkOnce(instance: ConnectorInstance, timeoutMs: number, context?: CheckContext): Promise<CheckResult> {
  try {
    return await boundedCheck(instance, timeoutMs, context);
  } finally {
    await instance.close();
  }
}

/**
 * A check that answers within `timeoutMs` whatever the destination does: a set-up whose destination takes the
 * connection and never answers must not hold the request saving it (nor the admin's client) for minutes.
 */
export async function boundedCheck(instance: ConnectorInstance, timeoutMs: number, context?: CheckContext): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          problem: {
            code: 'check_timed_out',
            message: `The destination did not answer the check within ${timeoutMs} ms (CHECK_TIMEOUT_MS)`,
          },
          details: {},
        }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([instance.check(context), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** An instance not used for this long is closed (its client and sockets freed); the next batch opens it again. */
const IDLE_INSTANCE_MS = 5 * 60_000;
const SWEEP_EVERY_MS = 60_000;

/**
 * The open instance of each connector set-up that is delivering: built once (one SDK client, one socket pool) and
 * reused for every batch until the set-up changes; retired when it changes, goes, sits unused for five minutes, or
 * the host stops, and closed once the calls in flight on it ended. A set-up that never sends holds no client, so
 * thousands of quiet ones cost little memory.
 */
@Injectable()
export class ConnectorInstancesService implements OnApplicationShutdown {
  private readonly open = new Map<string, { version: number; instance: SharedInstance; usedAt: number }>();
  private readonly sweeper = setInterval(() => void this.closeIdle(Date.now() - IDLE_INSTANCE_MS), SWEEP_EVERY_MS).unref();

  constructor(
    private readonly registry: ConnectorRegistry,
    @Inject(SECRET_BOX) private readonly secretBox: SecretBox,
    changes: ConnectorChanges,
    private readonly traffic: TrafficStatsRepository,
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
  ) {
    changes.changed$.subscribe((id) => void this.evict(id));
  }

  /** The instance for this row, reopened if the row changed since it was opened. */
  instanceFor(row: ConnectorRow): ConnectorInstance {
    const cached = this.open.get(row.id);
    if (cached && cached.version === row.updated_at) {
      cached.usedAt = Date.now();
      return cached.instance;
    }
    if (cached) void cached.instance.close();
    const instance = new SharedInstance(this.openTransient(row));
    this.open.set(row.id, { version: row.updated_at, instance, usedAt: Date.now() });
    return instance;
  }

  /**
   * Checks a set-up with its open instance if it has one, else with one opened for the check and closed after it,
   * giving it what the store knows of its recent traffic.
   */
  async check(row: ConnectorRow): Promise<CheckResult> {
    const context = await this.contextOf(row.id, row.paused_reason);
    const cached = this.open.get(row.id);
    if (cached && cached.version === row.updated_at) return boundedCheck(cached.instance, this.config.checkTimeoutMs, context);
    return checkOnce(this.openTransient(row), this.config.checkTimeoutMs, context);
  }

  /**
   * What a check of set-up `id` is told of its recent traffic: the largest message of today and yesterday (UTC)
   * from the traffic statistics, whichever instance or thread routed it, and why it is paused.
   */
  async contextOf(id: string, pausedReason: string | null): Promise<CheckContext> {
    const largestRecentMessageBytes = await this.traffic.largestMessageSince(id, dayOf(Date.now() - DAY_MS));
    return { largestRecentMessageBytes, ...(pausedReason && { pausedReason }) };
  }

  /** Closes the instances last used before `unusedSince`. */
  async closeIdle(unusedSince: number): Promise<void> {
    const idle = [...this.open].filter(([, entry]) => entry.usedAt < unusedSince).map(([id]) => id);
    await Promise.all(idle.map((id) => this.evict(id)));
  }

  /** How many instances are open now. */
  openCount(): number {
    return this.open.size;
  }

  /** Opens an instance the caller owns and must close (e.g. for a one-off check). */
  openTransient(row: ConnectorRow): ConnectorInstance {
    const connector = this.connectorOf(row);
    const settings = this.settingsOf(row, connector);
    return connector.open({ id: row.id, settings, siteNumber: row.site_number });
  }

  /** The row's settings in clear (as its connector declares them today), validated by the connector's class. */
  settingsOf(row: ConnectorRow, connector = this.connectorOf(row)): object {
    const validation = validateSettings(connector, storedForm(row, connector, this.secretBox));
    if (!validation.ok)
      throw new Error(`stored settings of connector ${row.id} no longer validate: ${validation.errors.map((e) => e.field).join(', ')}`);
    return validation.settings;
  }

  async evict(id: string): Promise<void> {
    const cached = this.open.get(id);
    this.open.delete(id);
    await cached?.instance.close();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.open.keys()].map((id) => this.evict(id)));
  }

  private connectorOf(row: ConnectorRow): EventConnector {
    const connector = this.registry.get(row.type);
    if (!connector) throw new Error(`connector ${row.id} has type "${row.type}", which this host does not load`);
    return connector;
  }
}
