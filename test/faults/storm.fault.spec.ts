import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessKinesalite, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY } from '@event-connectors/kinesis-connector/testing';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeFixedPort } from '../support/free-port.js';
import { freshDatabaseUrl } from '../support/postgres.js';
import { CLUSTER_SOURCE_ID, type ClusterLab, heldOnlyBy, LEASE_TTL_MS, REGION, threeInstances } from './support/cluster.js';
import { HostProcess } from './support/host-process.js';
import { generateLoad, type LoadOptions } from './support/load-generator.js';
import { drained } from './support/stream-drain.js';
import { formatTable, judge, type Verdict } from './support/verdict.js';

// The journey storm of #25 at full size: 240 profiles posting 3,000 events/s for 24 s to one connector (12.5 a
// second each: a journey, a variable that changes on every page view), against kinesalite. Per-profile order lets
// one message of a profile be in flight at a time, so what is left when the load ends is what the host could not
// keep up with. One host on SQLite; three on PostgreSQL with one killed (kill -9) and one frozen (SIGSTOP for twice
// the lease) mid-storm. Judged on the stream (missing 0, order 0); the drain (from the load's end until the store
// holds nothing pending) is reported in the table, never asserted: tests here time nothing.

const STORM: Omit<LoadOptions, 'url' | 'sourceId'> = { events: 72_000, profiles: 240, perSecond: 3000, batchSize: 30, concurrency: 6 };
const verdicts: Verdict[] = [];
const folders: string[] = [];
let kinesis: InProcessKinesalite;
let lab: ClusterLab;

const folder = (prefix: string) => {
  const made = mkdtempSync(join(tmpdir(), prefix));
  folders.push(made);
  return made;
};

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  lab = { kinesis, freshDatabase: freshDatabaseUrl, folder, secretsKey: randomBytes(32).toString('base64') };
});
afterAll(async () => {
  console.log(`\nFault suite, journey storm (240 profiles, 3,000 events/s for 24 s, one connector)\n${formatTable(verdicts)}\n`);
  await kinesis?.stop();
  for (const made of folders) rmSync(made, { recursive: true, force: true });
});

/** Seconds until the store holds no pending message (polled every 100 ms, for at most `capSeconds`). */
async function untilNothingPending(pending: () => Promise<number>, capSeconds = 150): Promise<number> {
  const started = Date.now();
  while ((await pending()) > 0 && Date.now() - started < capSeconds * 1000) await new Promise((resolve) => setTimeout(resolve, 100));
  return (Date.now() - started) / 1000;
}

async function connectKinesis(url: string, stream: string): Promise<void> {
  const post = async (path: string, body: unknown) =>
    (
      await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    ).json() as Promise<{
      id: string;
    }>;
  const connector = await post('/v1/connectors', {
    type: 'kinesis',
    siteNumber: 1234,
    name: 'storm connector',
    partnerNumber: 33,
    settings: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY, region: REGION, streamName: stream },
  });
  await post('/v1/bindings', {
    connectorId: connector.id,
    source: { type: 'audience', id: CLUSTER_SOURCE_ID, number: 1, name: 'Storm audience' },
  });
}

function record(verdict: Verdict): Verdict {
  verdicts.push(verdict);
  console.log(`${verdict.scenario}: missing ${verdict.missing} / order violations ${verdict.orderViolations} / ${verdict.note}`);
  return verdict;
}

describe.sequential('fault suite, journey storm', { timeout: 480_000 }, () => {
  it('one host on SQLite: nothing lost, order kept; the drain after the load is reported', async () => {
    const stream = 'storm-sqlite';
    await kinesis.createStream(stream, 2);
    const dataDir = folder('storm-host-');
    const host = new HostProcess(await freeFixedPort(), {
      DATA_DIR: dataDir,
      KINESIS_ENDPOINT: kinesis.endpoint,
      SECRETS_KEY: lab.secretsKey,
    });
    let store: Database.Database | undefined;
    try {
      await host.start();
      store = new Database(join(dataDir, 'connector-host.db'), { readonly: true, fileMustExist: true });
      await connectKinesis(host.url, stream);
      const started = Date.now();
      const load = await generateLoad({ url: () => host.url, sourceId: CLUSTER_SOURCE_ID, ...STORM });
      const loadSeconds = (Date.now() - started) / 1000;
      const pending = store.prepare<[], { n: number }>('SELECT coalesce(sum(pending), 0) AS n FROM outbox_chunks');
      const drainSeconds = await untilNothingPending(async () => pending.get()!.n);
      const { records } = await drained(kinesis, stream, load.accepted);
      const verdict = record(
        judge('one host, SQLite', load.accepted, records, drainSeconds, `drained ${drainSeconds} s after the load (load ${loadSeconds} s)`),
      );
      expect(verdict.accepted).toBe(STORM.events);
      expect(verdict.missing).toBe(0);
      expect(verdict.orderViolations).toBe(0);
    } finally {
      store?.close();
      await host.kill('SIGTERM');
    }
  });

  it('three hosts on PostgreSQL, one killed and one frozen mid-storm: nothing lost, order kept; the drain is reported', async () => {
    const stream = 'storm-postgres';
    const cluster = await threeInstances(lab, stream);
    const database = new pg.Client({ connectionString: cluster.databaseUrl });
    try {
      await database.connect();
      const [, killed, frozen] = cluster.hosts;
      let faults: Promise<Error | undefined> | undefined;
      let takeover = Infinity;
      const started = Date.now();
      const load = await generateLoad({
        url: cluster.url,
        sourceId: CLUSTER_SOURCE_ID,
        batchDeadlineMs: 90_000,
        ...STORM,
        onProgress: (accepted) => {
          faults ??=
            accepted >= STORM.events / 3
              ? (async () => {
                  cluster.inRotation.delete(killed);
                  cluster.inRotation.delete(frozen);
                  await killed.kill('SIGKILL');
                  frozen.signal('SIGSTOP');
                  const stoppedAt = Date.now();
                  takeover = await heldOnlyBy(cluster.hosts[0], ['a'], stoppedAt);
                  await new Promise((resolve) => setTimeout(resolve, Math.max(0, stoppedAt + 2 * LEASE_TTL_MS - Date.now())));
                  frozen.signal('SIGCONT');
                  cluster.inRotation.add(frozen);
                })().then(
                  () => undefined,
                  (error: unknown) => (error instanceof Error ? error : new Error('a fault of the storm failed')),
                )
              : undefined;
        },
      });
      // A fault that failed fails the scenario (caught above so that it is not an unhandled rejection meanwhile).
      const faultError = await faults;
      if (faultError) throw faultError;
      const loadSeconds = (Date.now() - started) / 1000;
      const drainSeconds = await untilNothingPending(async () => {
        const { rows } = await database.query<{ n: string }>('SELECT coalesce(sum(pending), 0) AS n FROM outbox_chunks');
        return Number(rows[0].n);
      });
      const { records } = await drained(kinesis, stream, load.accepted);
      const verdict = record(
        judge(
          'three hosts, PostgreSQL, one killed, one frozen',
          load.accepted,
          records,
          drainSeconds,
          `drained ${drainSeconds} s after the load (load ${loadSeconds} s), partitions on the one left in ${takeover} s, ${load.retries} requests retried`,
        ),
      );
      expect(verdict.accepted).toBe(STORM.events);
      expect(verdict.missing).toBe(0);
      expect(verdict.orderViolations).toBe(0);
    } finally {
      await database.end().catch(() => undefined);
      await cluster.stop();
    }
  });
});
