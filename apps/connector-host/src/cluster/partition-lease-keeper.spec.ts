import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import { sql } from 'kysely';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeOnPostgres, freshDatabaseUrl } from '../../../../test/support/postgres.js';
import type { HostConfig, HostRole } from '../config/host.config.js';
import { PartitionOwnership } from '../store/cluster/partition-ownership.js';
import { StoreSignals } from '../store/cluster/store-signals.js';
import { openStore } from '../store/open-store.js';
import { holdLeases } from '../store/postgres/postgres-fencing.js';
import { ClusterMembership } from './cluster-membership.js';
import { PartitionLeaseKeeper } from './partition-lease-keeper.js';

const ALL = [0, 1, 2, 3];

/** One host's cluster side on a shared PostgreSQL, as its modules run it: membership (heartbeat) and the lease keeper. */
interface Instance {
  ownership: PartitionOwnership;
  keeper: PartitionLeaseKeeper;
  stop: () => Promise<void>;
}

const running: Instance[] = [];

// Not StoreUnderTest: it gives every lease to one fixed owner for an hour, where these instances must claim them.

async function startInstance(databaseUrl: string, id: string, options: { role?: HostRole; leaseTtlMs?: number } = {}): Promise<Instance> {
  const config = {
    databasePath: '/nonexistent/host.db',
    databaseUrl,
    role: options.role ?? 'all',
    previousSecretsKeys: [] as string[],
    idempotencyRetentionMs: 86_400_000,
    limits: { messageHistoryMs: 0 },
    cluster: {
      instanceId: id,
      partitions: ALL.length,
      leaseTtlMs: options.leaseTtlMs ?? 1000,
      renewEveryMs: 100,
      leaseMarginMs: 0,
      backlogRefreshMs: 60_000,
    },
  } as HostConfig;
  const store = await openStore(config);
  const ownership = new PartitionOwnership(config);
  const signals = new StoreSignals(config, store.database);
  const outbox = store.outbox({ config, deadLetters: store.deadLetters(), ownership, signals });
  const membership = new ClusterMembership(config, store.database, outbox, signals);
  const keeper = new PartitionLeaseKeeper(config, store.database, ownership, outbox);
  // As Nest runs them: every module's init (the membership joins), then every bootstrap (the keeper's first round).
  await membership.onModuleInit();
  await keeper.onApplicationBootstrap();
  let stopped = false;
  const instance: Instance = {
    ownership,
    keeper,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await keeper.onApplicationShutdown();
      await membership.onApplicationShutdown();
      await signals.onApplicationShutdown();
      await store.database.onApplicationShutdown();
    },
  };
  running.push(instance);
  return instance;
}

/** Polls `check` (bounded), running `invariant` at every step; fails naming what never came true. */
async function until(what: string, check: () => boolean | Promise<boolean>, invariant: () => void = () => undefined): Promise<void> {
  for (let step = 0; step < 500; step++) {
    invariant();
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never came true: ${what}`);
}

/** What must hold at every moment: no partition is one two instances may both start a call for. */
function neverBothSend(a: Instance, b: Instance): () => void {
  return () => {
    for (const partition of ALL) expect(a.ownership.maySend(partition, 0) && b.ownership.maySend(partition, 0)).toBe(false);
  };
}

const epochs = (instance: Instance) => new Map(instance.ownership.partitions().map((p) => [p, instance.ownership.epochOf(p) ?? -1]));

async function leases(databaseUrl: string): Promise<{ partition: number; owner: string | null; epoch: number }[]> {
  const store = await openStore({ databaseUrl, cluster: { leaseTtlMs: 10_000 } } as HostConfig);
  try {
    const { rows } = await sql<{ partition: number; owner: string | null; epoch: number }>`
      SELECT partition, owner, epoch FROM partition_leases ORDER BY partition`.execute(store.database.db);
    return rows;
  } finally {
    await store.database.onApplicationShutdown();
  }
}

/**
 * A loopback relay to PostgreSQL that can hold everything one instance sends and receives, as if its process were
 * stopped (SIGSTOP): its statements reach the server only once it goes on, late. PostgreSQL itself has no such switch.
 */
class FreezableLink {
  private frozen = false;
  private readonly held: (() => void)[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async open(databaseUrl: string): Promise<FreezableLink> {
    const target = new URL(databaseUrl);
    const relay = (from: Socket, to: Socket, link: FreezableLink) =>
      from.on('data', (chunk: Buffer) => {
        const pass = () => void (to.destroyed || to.write(chunk));
        if (link.frozen) link.held.push(pass);
        else pass();
      });
    const handle: { link?: FreezableLink } = {};
    const server = createServer((client) => {
      const link = handle.link!;
      const upstream = connect(Number(target.port), target.hostname);
      for (const socket of [client, upstream]) {
        link.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          link.sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      relay(client, upstream, link);
      relay(upstream, client, link);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = new URL(databaseUrl);
    url.port = String((server.address() as AddressInfo).port);
    return (handle.link = new FreezableLink(server, url.toString()));
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    for (const pass of this.held.splice(0)) pass();
    this.frozen = false;
  }

  async close(): Promise<void> {
    this.thaw();
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describeOnPostgres('PartitionLeaseKeeper on a shared PostgreSQL', () => {
  beforeAll(() => Logger.overrideLogger(false));

  afterEach(async () => {
    for (const instance of running.splice(0)) await instance.stop();
  });

  it('takes every partition while it is the only delivering instance, and keeps them past their TTL at the same epoch', async () => {
    const url = await freshDatabaseUrl();
    const a = await startInstance(url, 'instance-a');
    // The first claims were made before now: their leases of a second lapse before this, unless renewed.
    const firstExpiry = Date.now() + 1000;
    expect(a.ownership.partitions()).toEqual(ALL);
    expect(await leases(url)).toEqual(ALL.map((partition) => ({ partition, owner: 'instance-a', epoch: 1 })));
    // Renewed every round, not lapsed and claimed again: the epochs stay those of the first claim.
    await until('the first leases would have lapsed', () => Date.now() > firstExpiry + 200);
    expect(epochs(a)).toEqual(new Map(ALL.map((p) => [p, 1])));
    expect(ALL.every((p) => a.ownership.maySend(p, 0))).toBe(true);
    expect((await leases(url)).map((lease) => [lease.owner, lease.epoch])).toEqual(ALL.map(() => ['instance-a', 1]));
  });

  it('shares the partitions out with a second instance, half each, never letting both send for one partition', async () => {
    const url = await freshDatabaseUrl();
    const a = await startInstance(url, 'instance-a');
    const b = await startInstance(url, 'instance-b');
    await until(
      'each holds half',
      () => a.ownership.partitions().length === 2 && b.ownership.partitions().length === 2,
      neverBothSend(a, b),
    );
    expect([...a.ownership.partitions(), ...b.ownership.partitions()].sort()).toEqual(ALL);
    const rows = await leases(url);
    for (const p of a.ownership.partitions()) expect(rows[p]).toEqual({ partition: p, owner: 'instance-a', epoch: 1 });
    // Given back by the first and claimed by the second: a new epoch.
    for (const p of b.ownership.partitions()) expect(rows[p]).toEqual({ partition: p, owner: 'instance-b', epoch: 2 });
  });

  it('hands the partitions of an instance frozen past its leases to the other, and fences it out with new epochs', async () => {
    const url = await freshDatabaseUrl();
    const link = await FreezableLink.open(url);
    try {
      const a = await startInstance(link.url, 'instance-a');
      const b = await startInstance(url, 'instance-b');
      await until('each holds half', () => a.ownership.partitions().length === 2 && b.ownership.partitions().length === 2);
      const stale = epochs(a);
      link.freeze();
      // While it is frozen, its leases lapse and the other takes them; it may never send for one the other holds.
      await until('the other holds every partition', () => b.ownership.partitions().length === ALL.length, neverBothSend(a, b));
      for (const [p, epoch] of stale) expect(b.ownership.epochOf(p)).toBe(epoch + 1);
      link.thaw();
      // Woken, its late renewal finds the leases gone: it drops them, then claims its share again, at new epochs.
      await until(
        'both hold half again, the woken one none at its old epochs',
        () =>
          a.ownership.partitions().length === 2 &&
          b.ownership.partitions().length === 2 &&
          [...stale].every(([p, epoch]) => a.ownership.epochOf(p) !== epoch),
        neverBothSend(a, b),
      );
      const store = await openStore({ databaseUrl: url, cluster: { leaseTtlMs: 10_000 } } as HostConfig);
      try {
        const held = (fence: Map<number, number>) =>
          store.database.db.transaction().execute(async (trx) => [...(await holdLeases(trx, 'instance-a', fence))].sort());
        // A settlement under the frozen instance's old fence holds no lease; one under its new epochs does.
        expect(await held(stale)).toEqual([]);
        expect(await held(epochs(a))).toEqual(a.ownership.partitions());
      } finally {
        await store.database.onApplicationShutdown();
      }
    } finally {
      for (const instance of running.splice(0)) await instance.stop();
      await link.close();
    }
  });

  it('gives its leases back on shutdown, so the other takes them over without waiting for them to lapse', async () => {
    const url = await freshDatabaseUrl();
    // Leases of a minute: within this test, only a lease given back can change hands.
    const a = await startInstance(url, 'instance-a', { leaseTtlMs: 60_000 });
    const b = await startInstance(url, 'instance-b', { leaseTtlMs: 60_000 });
    await until('each holds half', () => b.ownership.partitions().length === 2);
    const given = epochs(b);
    await b.stop();
    expect(b.ownership.partitions()).toEqual([]);
    await until('the other holds every partition', () => a.ownership.partitions().length === ALL.length);
    for (const [p, epoch] of given) expect(a.ownership.epochOf(p)).toBe(epoch + 1);
    expect((await leases(url)).every((lease) => lease.owner === 'instance-a')).toBe(true);
  });

  it('holds no partition on an intake instance, which leaves the delivering instance its whole share', async () => {
    const url = await freshDatabaseUrl();
    const intake = await startInstance(url, 'instance-intake', { role: 'intake' });
    const a = await startInstance(url, 'instance-a');
    expect(intake.keeper.active).toBe(false);
    expect(intake.ownership.partitions()).toEqual([]);
    expect(a.ownership.partitions()).toEqual(ALL);
    expect((await leases(url)).every((lease) => lease.owner === 'instance-a')).toBe(true);
  });
});
