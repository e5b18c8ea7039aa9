import { randomBytes, randomUUID } from 'node:crypto';
import { InProcessKinesalite } from '@event-connectors/kinesis-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, kinesisConnector, profileEvent, REGION } from './support/fixtures.js';
import { freshDatabaseUrl } from './support/postgres.js';
import { eventually, TestHost } from './support/test-host.js';

// Three real hosts share one real PostgreSQL (the test run's) and one kinesalite: what one is told, the others
// know; the delivery partitions are split between them; one that leaves hands its work over without a loss.

const PARTITIONS = 8;
const CLUSTER_KEY = randomBytes(32).toString('base64');
let kinesis: InProcessKinesalite;
let databaseUrl: string;
let hosts: TestHost[] = [];

const start = (name: string, env: Record<string, string> = {}) =>
  TestHost.start(kinesis.endpoint, {
    env: {
      DATABASE_URL: databaseUrl,
      INSTANCE_ID: name,
      SECRETS_KEY: CLUSTER_KEY,
      PARTITIONS: String(PARTITIONS),
      LEASE_TTL_MS: '3000',
      LEASE_RENEW_MS: '300',
      LEASE_MARGIN_MS: '200',
      BACKLOG_REFRESH_MS: '300',
      KINESIS_REQUEST_TIMEOUT_MS: '1500',
      ...env,
    },
  });

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  databaseUrl = await freshDatabaseUrl();
  hosts = [await start('host-a'), await start('host-b'), await start('host-c')];
});
afterAll(async () => {
  for (const host of hosts) await host.stop(true).catch(() => undefined);
  await kinesis?.stop();
});

interface ClusterView {
  engine: string;
  instances: { id: string; role: string; live: boolean; partitions: { partition: number; expiresInMs: number }[] }[];
  unowned: number[];
}

/** What a host's own metrics say it delivered. */
async function recordsPut(host: TestHost): Promise<number> {
  const text = await (await fetch(`${host.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('connector_host_records_put_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

const cluster = async (host: TestHost) => (await host.request<ClusterView>('GET', '/health/cluster')).body;

/** Every partition held by exactly one live instance, each holding at most its fair share. */
async function balanced(host: TestHost, instances: number): Promise<ClusterView | undefined> {
  const view = await cluster(host);
  const held = view.instances.flatMap((instance) => instance.partitions.map((lease) => lease.partition));
  const share = Math.ceil(PARTITIONS / instances);
  const fair = view.instances.every((instance) => instance.partitions.length <= share);
  return view.instances.filter((i) => i.live).length === instances &&
    held.length === PARTITIONS &&
    new Set(held).size === PARTITIONS &&
    fair
    ? view
    : undefined;
}

describe('hosts sharing one PostgreSQL', () => {
  it('split the partitions between them and show it in /health/cluster', async () => {
    const view = await eventually('the partitions shared out', () => balanced(hosts[0], 3), 15_000);
    expect(view.engine).toBe('postgres');
    expect(view.instances.map((instance) => instance.id).sort()).toEqual(['host-a', 'host-b', 'host-c']);
    expect(view.instances.every((instance) => instance.partitions.length >= 2)).toBe(true);
    expect(view.unowned).toEqual([]);
    const ready = await hosts[2].request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.store).toMatchObject({ status: 'up', engine: 'postgres' });
  });

  it('know a connector and a binding made through another host at once, and deliver every event in order per profile', async () => {
    const stream = `cluster-${randomUUID().slice(0, 8)}`;
    await kinesis.createStream(stream, 2);
    const connector = await hosts[0].request('POST', '/v1/connectors', kinesisConnector(stream));
    expect(connector.status).toBe(201);
    const binding = await hosts[1].request('POST', '/v1/bindings', audienceBinding(connector.body.id));
    expect(binding.status).toBe(201);
    const sourceId = binding.body.source.id as string;
    // The host that made neither routes to them: within moments, not after a cache lifetime.
    await eventually('routing on host-c', async () => {
      const probe = await hosts[2].request('POST', '/v1/events', {
        events: [profileEvent(sourceId, { profile: { profileId: 'probe', partnerIds: { '33': ['1'] }, properties: {} } })],
      });
      return probe.body.routed === 1 ? true : undefined;
    });

    const profiles = Array.from({ length: 30 }, (_, i) => `profile-${i}`);
    let n = 0;
    for (let round = 0; round < 10; round++) {
      const events = profiles.map((profileId) =>
        profileEvent(sourceId, { timestamp: ++n, profile: { profileId, partnerIds: { '33': ['1'] }, properties: {} } }),
      );
      const answer = await hosts[round % 3].request('POST', '/v1/events', { events });
      expect(answer.status).toBe(202);
    }
    const records = await eventually(
      'every event in the stream',
      async () => {
        const all = (await kinesis.readAll(stream)).map((record) => JSON.parse(record.data));
        return all.filter((message) => message.profileId !== 'probe').length >= 300 ? all : undefined;
      },
      20_000,
    );
    const delivered = records.filter((message) => message.profileId !== 'probe');
    expect(new Set(delivered.map((message) => `${message.profileId}:${message.timestamp}`)).size).toBe(300);
    for (const profileId of profiles) {
      const stamps = delivered.filter((message) => message.profileId === profileId).map((message) => message.timestamp as number);
      expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    }
    // Each host delivered some of them: the work is shared, not done by one.
    for (const host of hosts) expect(await recordsPut(host)).toBeGreaterThan(0);
  });

  it('answers a retry that reaches another host with the first answer, storing it once', async () => {
    const stream = `retry-${randomUUID().slice(0, 8)}`;
    await kinesis.createStream(stream, 1);
    const connector = await hosts[0].request('POST', '/v1/connectors', kinesisConnector(stream));
    const binding = await hosts[0].request('POST', '/v1/bindings', audienceBinding(connector.body.id));
    const body = JSON.stringify({ events: [profileEvent(binding.body.source.id)] });
    const send = (host: TestHost) =>
      fetch(`${host.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'platform-retry-7' },
        body,
      });
    await eventually('routing on host-b', async () => {
      const first = await send(hosts[0]);
      return first.status === 202 ? first : undefined;
    });
    const retried = await send(hosts[1]);
    expect(retried.status).toBe(202);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    await eventually('the message', async () => ((await kinesis.readAll(stream)).length === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await kinesis.readAll(stream)).toHaveLength(1);
  });

  it('one host leaving hands its partitions over: the others take them and deliver its backlog', async () => {
    const stream = `handover-${randomUUID().slice(0, 8)}`;
    await kinesis.createStream(stream, 1);
    const connector = await hosts[0].request('POST', '/v1/connectors', kinesisConnector(stream));
    const binding = await hosts[0].request('POST', '/v1/bindings', audienceBinding(connector.body.id));
    const sourceId = binding.body.source.id as string;
    await eventually('routing on host-c', async () => {
      const answer = await hosts[2].request('POST', '/v1/events', {
        events: [profileEvent(sourceId, { profile: { profileId: 'first', partnerIds: { '33': ['1'] }, properties: {} } })],
      });
      return answer.body.routed === 1 ? true : undefined;
    });
    const events = Array.from({ length: 200 }, (_, i) =>
      profileEvent(sourceId, { timestamp: i + 1, profile: { profileId: `p${i % 40}`, partnerIds: { '33': ['1'] }, properties: {} } }),
    );
    expect((await hosts[2].request('POST', '/v1/events', { events })).status).toBe(202);
    await hosts[2].stop(true);
    hosts = hosts.slice(0, 2);
    await eventually('two hosts holding every partition', () => balanced(hosts[0], 2), 15_000);
    const delivered = await eventually(
      'the leaving host backlog',
      async () => {
        const all = (await kinesis.readAll(stream)).map((record) => JSON.parse(record.data));
        return new Set(all.map((m) => `${m.profileId}:${m.timestamp}`)).size >= 201 ? all : undefined;
      },
      20_000,
    );
    for (let p = 0; p < 40; p++) {
      const stamps = delivered.filter((m) => m.profileId === `p${p}`).map((m) => m.timestamp as number);
      expect(new Set(stamps).size).toBe(5);
      const firsts = stamps.filter((stamp, index) => stamps.indexOf(stamp) === index);
      expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    }
  });
});

describe('roles', () => {
  it('an intake-only and a delivery-only host: one takes events, the other sends them', async () => {
    const url = await freshDatabaseUrl();
    const intake = await start('intake-1', { DATABASE_URL: url, ROLE: 'intake' });
    const delivery = await start('delivery-1', { DATABASE_URL: url, ROLE: 'delivery' });
    try {
      const stream = `roles-${randomUUID().slice(0, 8)}`;
      await kinesis.createStream(stream, 1);
      const connector = await intake.request('POST', '/v1/connectors', kinesisConnector(stream));
      const binding = await intake.request('POST', '/v1/bindings', audienceBinding(connector.body.id));
      const event = profileEvent(binding.body.source.id);
      // The delivering host takes no events: a load balancer sends them elsewhere.
      const refused = await delivery.request('POST', '/v1/events', { events: [event] });
      expect(refused.status).toBe(503);
      expect(refused.body.message).toMatch(/ROLE=delivery/);
      expect((await intake.request('POST', '/v1/events', { events: [event] })).status).toBe(202);
      await eventually('the record', async () => ((await kinesis.readAll(stream)).length === 1 ? true : undefined));
      // Only the delivering host holds partitions; the intake host runs no delivery loop and is still ready.
      const view = await cluster(intake);
      expect(view.instances.find((instance) => instance.id === 'intake-1')).toMatchObject({ role: 'intake', partitions: [] });
      expect(view.instances.find((instance) => instance.id === 'delivery-1')?.partitions).toHaveLength(PARTITIONS);
      expect(await recordsPut(intake)).toBe(0);
      expect(await recordsPut(delivery)).toBe(1);
      expect((await intake.request('GET', '/health/ready')).status).toBe(200);
    } finally {
      await intake.stop(true);
      await delivery.stop(true);
    }
  });
});
