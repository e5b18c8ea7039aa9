import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningSecret } from '@event-connectors/webhook-connector';
import { type ReceivedWebhook, WebhookReceiver } from '@event-connectors/webhook-connector/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostProcess } from './faults/support/host-process.js';
import { freeFixedPort } from './support/free-port.js';
import { audienceBinding, profileEvent, webhookConnector } from './support/fixtures.js';
import { freshDatabaseUrl } from './support/postgres.js';
import { eventually } from './support/test-host.js';

// Alerts to the platform, end to end: the real host in its own process (so it can be killed with -9), its alert channel
// pointed at a real Standard Webhooks receiver on loopback that verifies every signature, and tenants' webhook
// connectors delivering to another real receiver whose answers the tests script (503: down, 400: refused, 401: a
// broken set-up). On PostgreSQL two instances share the store: one of them sends each alert.

const onPostgres = process.env.TEST_STORE === 'postgres';
const ALERT_SECRET = generateSigningSecret();
const DESTINATION_SECRET = generateSigningSecret();
const SECRETS_KEY = randomBytes(32).toString('base64');
const ADMIN = 'alerts-admin-token-0123456789';
const TENANT_ADMIN = 'alerts-site-1234-token-012345';
const INGEST = 'alerts-ingest-token-012345678';
let alerts: WebhookReceiver;
let destination: WebhookReceiver;
let databaseUrl: string | undefined;
const dataDirs: string[] = [];
const hosts: HostProcess[] = [];

interface Alert {
  type: string;
  timestamp: string;
  data: { siteNumber: number; connectorId: string; connectorName: string; connectorType: string; details: Record<string, unknown> };
}

beforeAll(async () => {
  alerts = await WebhookReceiver.start(ALERT_SECRET);
  destination = await WebhookReceiver.start(DESTINATION_SECRET);
  if (onPostgres) databaseUrl = await freshDatabaseUrl();
});
afterAll(async () => {
  await Promise.all(hosts.map((host) => host.kill('SIGKILL')));
  await alerts?.stop();
  await destination?.stop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** A host process on the suite's store: its own data folder (SQLite), or the shared database (PostgreSQL). */
async function startHost(name: string, env: Record<string, string> = {}, dataDir?: string): Promise<HostProcess> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'alerts-'));
  if (!dataDir) dataDirs.push(dir);
  const host = new HostProcess(await freeFixedPort(), {
    DATA_DIR: dir,
    CONNECTORS: 'webhook',
    ADMIN_TOKENS: `${ADMIN},${TENANT_ADMIN}@1234`,
    INGEST_TOKENS: INGEST,
    ALERT_WEBHOOK_URL: alerts.url,
    ALERT_WEBHOOK_SECRET: ALERT_SECRET,
    ALERT_FAILING_AFTER: '1s',
    ALERT_CHECK_INTERVAL: '100ms',
    DELIVERY_RETRY_BASE_MS: '50',
    DELIVERY_RETRY_MAX_MS: '300',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl, SECRETS_KEY, INSTANCE_ID: name, LEASE_TTL_MS: '5000', PARTITIONS: '4' } : {}),
    ...env,
  });
  await host.start();
  hosts.push(host);
  return host;
}

async function call(
  host: HostProcess,
  method: string,
  path: string,
  body?: unknown,
  token = ADMIN,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${host.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** A tenant's webhook connector bound to an audience, answered by `destination` as scripted per connector name. */
async function connectorOn(host: HostProcess, name: string, overrides: Record<string, unknown> = {}) {
  const created = await call(host, 'POST', '/v1/connectors', webhookConnector(destination.url, DESTINATION_SECRET, { name, ...overrides }));
  expect(created.status).toBe(201);
  const bound = await call(host, 'POST', '/v1/bindings', audienceBinding(created.body.id));
  expect(bound.status).toBe(201);
  return { id: created.body.id as string, sourceId: bound.body.source.id as string };
}

const post = (host: HostProcess, sourceId: string, profiles: string[]) =>
  call(
    host,
    'POST',
    '/v1/events',
    {
      events: profiles.map((profileId) => profileEvent(sourceId, { profile: { profileId, partnerIds: { '33': ['1'] }, properties: {} } })),
    },
    INGEST,
  );

/** The verified alerts about one connector, each webhook-id once, in arrival order. */
function alertsAbout(connectorId: string): (Alert & { webhook: ReceivedWebhook })[] {
  return alerts
    .unique()
    .map((webhook) => ({ ...(JSON.parse(webhook.body) as Alert), webhook }))
    .filter((alert) => alert.data.connectorId === connectorId);
}

/** PostgreSQL: the instance evaluating alerts now (the holder of partition 0). */
async function ownerOfPartitionZero(): Promise<string | null> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ owner: string | null }>('SELECT owner FROM partition_leases WHERE partition = 0');
    return rows[0]?.owner ?? null;
  } finally {
    await client.end();
  }
}

const waitForAlert = (connectorId: string, type: string) =>
  eventually(`${type} for ${connectorId}`, async () => alertsAbout(connectorId).find((alert) => alert.type === type), 30_000);

/** Scripts the destination: requests of these connectors (by the source their messages carry) get this status. */
const answers = new Map<string, number>();
function answer(sourceId: string, status: number | undefined): void {
  if (status === undefined) answers.delete(sourceId);
  else answers.set(sourceId, status);
  destination.answerWith((request) => {
    const status = answers.get((JSON.parse(request.body) as { sourceId: string }).sourceId);
    return status === undefined ? undefined : { status };
  });
}

describe('alerts to the platform', () => {
  it('fires connector.failing once, then connector.recovered once, through a kill -9 in between', async () => {
    const first = await startHost('host-a');
    const second = onPostgres ? await startHost('host-b') : undefined;
    const { id, sourceId } = await connectorOn(first, 'Down for a while');
    answer(sourceId, 503);
    expect((await post(first, sourceId, ['p-1', 'p-2', 'p-3', 'p-4'])).status).toBe(202);

    const failing = await waitForAlert(id, 'connector.failing');
    expect(failing.data).toEqual({
      siteNumber: 1234,
      connectorId: id,
      connectorName: 'Down for a while',
      connectorType: 'webhook',
      details: {
        failingSince: expect.any(String),
        lastFailureAt: expect.any(String),
        lastError: { code: 'HTTP_503', message: expect.any(String) },
      },
    });
    // Standard Webhooks: the receiver verified the signature; the id and timestamp headers are the message's.
    expect(failing.webhook.headers['webhook-id']).toBe(failing.webhook.id);
    expect(Date.parse(failing.timestamp)).toBeGreaterThanOrEqual(Date.parse(failing.data.details.failingSince as string) + 1000);

    // The instance that sent it dies. On PostgreSQL that is the holder of partition 0, and the other takes over.
    const evaluator = second && (await ownerOfPartitionZero()) === 'host-b' ? second : first;
    expect(await evaluator.kill('SIGKILL')).toBe('SIGKILL');
    const restarted = onPostgres ? (evaluator === first ? second! : first) : await startHost('host-a', {}, dataDirs[0]);
    answer(sourceId, undefined);
    const recovered = await waitForAlert(id, 'connector.recovered');
    expect(recovered.data.details).toEqual({
      from: 'failing',
      since: failing.data.details.failingSince,
      lastSuccessAt: expect.any(String),
    });
    await eventually('all four delivered', async () =>
      destination.unique().filter((webhook) => JSON.parse(webhook.body).sourceId === sourceId).length === 4 ? true : undefined,
    );

    // Past several more looks (and, on PostgreSQL, the dead instance's leases lapsing), still one of each.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(alertsAbout(id).map((alert) => alert.type)).toEqual(['connector.failing', 'connector.recovered']);
    expect(alerts.refused).toBe(0);
    // The alert channel is the host's: no tenant token reaches it, and the API refuses to change it.
    const channel = (await call(restarted, 'GET', '/v1/connectors')).body.find((row: { siteNumber: number }) => row.siteNumber === 0);
    expect(channel).toMatchObject({ type: 'webhook', enabled: true });
    expect((await call(restarted, 'DELETE', `/v1/connectors/${channel.id}`)).status).toBe(403);
    expect((await call(restarted, 'PATCH', `/v1/connectors/${channel.id}`, { enabled: false })).status).toBe(403);
    const tenantSees = (await call(restarted, 'GET', '/v1/connectors', undefined, TENANT_ADMIN)).body.map((row: { id: string }) => row.id);
    expect(tenantSees).toContain(id);
    expect(tenantSees).not.toContain(channel.id);
    for (const [method, path] of [
      ['GET', `/v1/connectors/${channel.id}`],
      ['GET', `/v1/connectors/${channel.id}/messages`],
      ['DELETE', `/v1/connectors/${channel.id}`],
    ])
      expect((await call(restarted, method, path, undefined, TENANT_ADMIN)).status).toBe(404);
    await Promise.all(hosts.map((host) => host.kill('SIGKILL')));
  }, 120_000);

  it('alerts dead letters past the threshold, a pause, refusals at the backlog cap, and disables a connector failing too long', async () => {
    const host = await startHost('host-c', {
      ALERT_DEAD_LETTERS: '3',
      AUTO_DISABLE_AFTER: '4s',
      MAX_BACKLOG_PER_CONNECTOR: '5',
      DELIVERY_PAUSE_AFTER_FAILURES: '2',
    });
    const refused = await connectorOn(host, 'Refuses everything');
    const broken = await connectorOn(host, 'Broken set-up');
    const down = await connectorOn(host, 'Down for good');
    answer(refused.sourceId, 400);
    answer(broken.sourceId, 401);
    answer(down.sourceId, 503);
    expect((await post(host, refused.sourceId, ['d-1', 'd-2', 'd-3'])).status).toBe(202);
    expect((await post(host, broken.sourceId, ['b-1'])).status).toBe(202);
    expect((await post(host, down.sourceId, ['x-1', 'x-2', 'x-3', 'x-4', 'x-5'])).status).toBe(202);
    expect((await post(host, down.sourceId, ['x-6'])).status).toBe(429);

    expect((await waitForAlert(refused.id, 'connector.dead_letters')).data.details).toMatchObject({ deadLetters: 3, threshold: 3 });
    expect((await waitForAlert(broken.id, 'connector.paused')).data.details).toMatchObject({ reason: expect.stringContaining('HTTP_401') });
    expect((await waitForAlert(down.id, 'connector.backlog_capped')).data.details).toMatchObject({ lastRefusedAt: expect.any(String) });
    const disabled = await waitForAlert(down.id, 'connector.disabled');
    expect(disabled.data.details).toMatchObject({ backlogKept: true, lastError: { code: 'HTTP_503' } });
    // The alert is committed before the disabling it announces (so a crash between the two loses neither), and the
    // same look disables it: the API shows it disabled a moment later at most.
    await eventually('the API shows it disabled', async () =>
      (await call(host, 'GET', `/v1/connectors/${down.id}`)).body.enabled === false ? true : undefined,
    );
    // Its backlog is kept: enabled again with its destination back, all five go out, and the host starts afresh.
    answer(down.sourceId, undefined);
    expect((await call(host, 'PATCH', `/v1/connectors/${down.id}`, { enabled: true })).status).toBe(200);
    await eventually(
      'the kept backlog delivered',
      async () =>
        destination.unique().filter((webhook) => JSON.parse(webhook.body).sourceId === down.sourceId).length === 5 ? true : undefined,
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Each once, and no recovered: enabling it again is its tenant's act, not a recovery.
    expect(
      alertsAbout(down.id)
        .map((alert) => alert.type)
        .sort(),
    ).toEqual(['connector.backlog_capped', 'connector.disabled', 'connector.failing']);
    expect(alertsAbout(refused.id).filter((alert) => alert.type === 'connector.dead_letters')).toHaveLength(1);
  }, 120_000);
});
