import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { HOST_CONFIG, type HostConfig } from '../../config/host.config.js';
import type { Fence } from '../outbox/outbox-store.js';

interface Held {
  epoch: number;
  /** performance.now() before which the lease surely holds: the renewal's start plus the TTL. */
  until: number;
  /** Given back at the next batch boundary: no new call starts for it. */
  releasing: boolean;
}

/**
 * Which delivery partitions this instance holds right now, with each lease's epoch and how long it surely lasts.
 * Written by the lease keeper (cluster/partition-lease-keeper.ts), read by the outbox (which partitions to read and count) and the
 * delivery loops (whether a call may start, and the fence its settlement carries). On SQLite this instance holds
 * its one partition for good. Deadlines are on the monotonic clock, which keeps running while the process is
 * stopped (SIGSTOP): a process that wakes up after its lease lapsed sees it lapsed before it sends.
 */
@Injectable()
export class PartitionOwnership {
  readonly owner: string;
  /** Whether partitions move between instances (PostgreSQL); false: everything is ours, always. */
  readonly shared: boolean;
  private readonly held = new Map<number, Held>();
  private readonly inFlight = new Map<number, number>();

  constructor(@Inject(HOST_CONFIG) config: HostConfig) {
    this.owner = config.cluster.instanceId;
    this.shared = config.databaseUrl !== undefined;
  }

  /** Partitions held (releasing ones included: their calls in flight still settle under them). */
  partitions(): number[] {
    return this.shared ? [...this.held.keys()].sort((a, b) => a - b) : [0];
  }

  /** Partitions whose messages the loops may select: held and not being given back. */
  selectable(): number[] {
    if (!this.shared) return [0];
    return [...this.held].filter(([, held]) => !held.releasing).map(([partition]) => partition);
  }

  holds(partition: number): boolean {
    return !this.shared || this.held.has(partition);
  }

  /** Whether a call taking up to `callMs` may start for this partition: held, not releasing, and outlasting it. */
  maySend(partition: number, callMs: number): boolean {
    if (!this.shared) return true;
    const held = this.held.get(partition);
    return held !== undefined && !held.releasing && held.until - performance.now() > callMs;
  }

  /**
   * The ownership a call over these partitions goes under: its settlement writes nothing for a partition held under
   * another epoch since. None on SQLite (one instance owns everything).
   */
  fenceFor(partitions: Iterable<number>): Fence | undefined {
    if (!this.shared) return undefined;
    return { owner: this.owner, epochs: new Map([...partitions].map((partition) => [partition, this.epochOf(partition) ?? -1])) };
  }

  epochOf(partition: number): number | undefined {
    return this.shared ? this.held.get(partition)?.epoch : 0;
  }

  /** A lease taken or renewed: `startedAt` is when the statement that set its expiry was sent. */
  hold(partition: number, epoch: number, startedAt: number, ttlMs: number): void {
    const earlier = this.held.get(partition);
    this.held.set(partition, { epoch, until: startedAt + ttlMs, releasing: earlier?.epoch === epoch && earlier.releasing });
  }

  /** Stop starting calls for it; the keeper gives it back once nothing is in flight. */
  release(partition: number): void {
    const held = this.held.get(partition);
    if (held) held.releasing = true;
  }

  isReleasing(partition: number): boolean {
    return this.held.get(partition)?.releasing === true;
  }

  /** The lease is gone (given back, lapsed or taken by another instance). */
  drop(partition: number): void {
    this.held.delete(partition);
  }

  /** Calls in flight per partition: a partition is given back only between batches. */
  callStarted(partitions: Iterable<number>): void {
    for (const partition of partitions) this.inFlight.set(partition, (this.inFlight.get(partition) ?? 0) + 1);
  }

  callEnded(partitions: Iterable<number>): void {
    for (const partition of partitions) {
      const left = (this.inFlight.get(partition) ?? 1) - 1;
      if (left > 0) this.inFlight.set(partition, left);
      else this.inFlight.delete(partition);
    }
  }

  callsInFlight(partition: number): number {
    return this.inFlight.get(partition) ?? 0;
  }
}
