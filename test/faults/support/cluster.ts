import { type InProcessKinesalite, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY } from '@event-connectors/kinesis-connector/testing';
import { freeFixedPort } from '../../support/free-port.js';
import { HostProcess } from './host-process.js';

// The fault suite's clusters: built hosts in their own processes sharing one PostgreSQL and one kinesalite, behind
// a round-robin "load balancer" that skips instances it knows are down.

export const REGION = 'eu-west-1';
export const CLUSTER_SOURCE_ID = '6c1f4a8b-0d2e-4f3a-9b7c-8d9e0f1a2b3c';
export const PARTITIONS = 16;
export const LEASE_TTL_MS = 6000;

/** What a suite's clusters run on: its kinesalite, fresh databases on its PostgreSQL, its temporary folders, one key. */
export interface ClusterLab {
  kinesis: InProcessKinesalite;
  freshDatabase: () => Promise<string>;
  folder: (prefix: string) => string;
  secretsKey: string;
}

/** One scenario's instances, and the round-robin the load generator posts through. */
export class Cluster {
  readonly hosts: HostProcess[] = [];
  /** Instances the "load balancer" sends to: a dead or frozen one is taken out, as a health check would. */
  readonly inRotation = new Set<HostProcess>();
  private turn = 0;

  constructor(
    private readonly lab: ClusterLab,
    readonly databaseUrl: string,
  ) {}

  async add(name: string): Promise<HostProcess> {
    const host = new HostProcess(await freeFixedPort(), {
      DATA_DIR: this.lab.folder('fault-cluster-host-'),
      DATABASE_URL: this.databaseUrl,
      SECRETS_KEY: this.lab.secretsKey,
      INSTANCE_ID: name,
      PARTITIONS: String(PARTITIONS),
      LEASE_TTL_MS: String(LEASE_TTL_MS),
      LEASE_RENEW_MS: '1200',
      KINESIS_ENDPOINT: this.lab.kinesis.endpoint,
      KINESIS_CONNECT_TIMEOUT_MS: '1000',
      KINESIS_REQUEST_TIMEOUT_MS: '2000',
      DELIVERY_RETRY_BASE_MS: '50',
      DELIVERY_RETRY_MAX_MS: '2000',
    });
    await host.start();
    this.hosts.push(host);
    this.inRotation.add(host);
    return host;
  }

  /** The next instance in rotation. */
  url = (): string => {
    const live = this.hosts.filter((host) => this.inRotation.has(host));
    return live[this.turn++ % live.length].url;
  };

  async stop(): Promise<void> {
    for (const host of this.hosts) {
      host.signal('SIGCONT');
      await host.kill('SIGTERM');
    }
  }
}

interface ClusterView {
  instances: { id: string; live: boolean; partitions: { partition: number }[] }[];
  unowned: number[];
}

async function clusterView(host: HostProcess): Promise<ClusterView | undefined> {
  try {
    const response = await fetch(`${host.url}/health/cluster`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200 ? ((await response.json()) as ClusterView) : undefined;
  } catch {
    return undefined;
  }
}

/** Seconds from `since` until every partition is held by the named instances only (polled through `via`). */
export async function heldOnlyBy(via: HostProcess, names: readonly string[], since: number): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const view = await clusterView(via);
    if (view && view.unowned.length === 0) {
      const holders = view.instances.filter((instance) => instance.partitions.length > 0).map((instance) => instance.id);
      const held = view.instances.reduce((sum, instance) => sum + instance.partitions.length, 0);
      if (held === PARTITIONS && holders.every((id) => names.includes(id))) return (Date.now() - since) / 1000;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Infinity;
}

/** Seconds until `instances` live instances all hold partitions, none over its share (the ceiling), none unowned. */
export async function shared(via: HostProcess, instances: number, since = Date.now()): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const view = await clusterView(via);
    const holding = view?.instances.filter((instance) => instance.live && instance.partitions.length > 0) ?? [];
    const fair = holding.every((instance) => instance.partitions.length <= Math.ceil(PARTITIONS / instances));
    if (view && view.unowned.length === 0 && holding.length === instances && fair) return (Date.now() - since) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Infinity;
}

/** A cluster of three on a fresh database, with a Kinesis connector on a fresh stream made through the first. */
export async function threeInstances(lab: ClusterLab, stream: string): Promise<Cluster> {
  await lab.kinesis.createStream(stream, 2);
  const cluster = new Cluster(lab, await lab.freshDatabase());
  try {
    for (const name of ['a', 'b', 'c']) await cluster.add(name);
  } catch (error) {
    // The ones that started must not outlive the scenario.
    await cluster.stop();
    throw error;
  }
  const post = (path: string, body: unknown) =>
    fetch(cluster.hosts[0].url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((response) => response.json() as Promise<{ id: string }>);
  const connector = await post('/v1/connectors', {
    type: 'kinesis',
    siteNumber: 1234,
    name: 'cluster fault connector',
    partnerNumber: 33,
    settings: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY, region: REGION, streamName: stream },
  });
  await post('/v1/bindings', {
    connectorId: connector.id,
    source: { type: 'audience', id: CLUSTER_SOURCE_ID, number: 1, name: 'Fault audience' },
  });
  await shared(cluster.hosts[0], 3);
  return cluster;
}
