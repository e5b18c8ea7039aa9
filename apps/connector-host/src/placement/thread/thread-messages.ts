import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { ConnectorOptions } from '../../composition/connector-plugins.js';
import type { HostConfig } from '../../config/host.config.js';
import type { LoopStatus } from '../../delivery/delivery-control.js';
import type { BacklogCount } from '../../store/outbox/backlog-counters.js';

/**
 * What the host's event loop and delivery's thread tell each other. The store is the truth for messages and
 * set-ups; these only say that it changed (and by how many messages), so each side can act without polling.
 */

/** Changes one side made in one turn of its event loop, sent together. */
export interface ChangesMessage {
  kind: 'changes';
  /**
   * Backlog changes per connector, in messages and stored bytes: intake's commits and replays (+), delivery's
   * settlements and expiries (-).
   */
  deltas: [connectorId: string, delta: number, bytes: number][];
  /** Set-ups created, updated, paused, resumed or deleted (written to the store before this is sent). */
  changed: string[];
}

/** The questions the host's HTTP side asks delivery's thread. */
export type Question = { about: 'loops' } | { about: 'metrics' };

export interface Answers {
  loops: [connectorId: string, status: LoopStatus][];
  metrics: MetricObjectWithValues<MetricValue<string>>[];
}

/** Host -> delivery's thread. */
export type ToDeliveryThread = ChangesMessage | { kind: 'ask'; id: number; question: Question } | { kind: 'stop' };

/** Delivery's thread -> host. */
export type FromDeliveryThread = ChangesMessage | { kind: 'ready' } | { kind: 'answer'; id: number; value?: unknown; error?: string };

/** What delivery's thread starts from (its `workerData`). */
export interface DeliveryThreadData {
  role: 'delivery';
  /** The host's configuration, as the host read it: the thread reads no environment. */
  config: HostConfig;
  /** The connector plugins' options, as the host read them (with the emulator the host started, if any). */
  connectors: ConnectorOptions;
  /** The host's backlog counts at the moment the thread was made; every later change comes as a `ChangesMessage`. */
  backlog: BacklogCount[];
  /** The host's write lock (see write-lock.ts): both threads write the same SQLite file. */
  writeLock: SharedArrayBuffer;
}
