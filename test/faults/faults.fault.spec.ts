import { EmbeddedKinesalite } from '@event-connectors/kinesis-connector/dev';
import {
  InProcessKinesalite,
  KinesisTestClient,
  TEST_ACCESS_KEY_ID,
  TEST_SECRET_ACCESS_KEY,
} from '@event-connectors/kinesis-connector/testing';
import { generateSigningSecret } from '@event-connectors/webhook-connector';
import { WebhookReceiver } from '@event-connectors/webhook-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeFixedPort } from '../support/free-port.js';
import { call, connectWebhook as connectFaultWebhook, deliveredCount, ScratchFolders, verdictLine } from './support/fault-host.js';
import { HostProcess } from './support/host-process.js';
import { generateLoad, type SentEvent } from './support/load-generator.js';
import { loadThroughOutage, loadWithKills } from './support/scenario-loads.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { drained, messages } from './support/stream-drain.js';
import { formatTable, judge, type StreamMessage, type Verdict } from './support/verdict.js';

// Each scenario: the built host in its own process, a load generator posting thousands of events like the
// platform does (Idempotency-Key per batch, retried after failures), a real Kinesis API on loopback, a fault;
// then the stream is read back and compared with what the host accepted.

const REGION = 'eu-west-1';
const SOURCE_ID = '5b0e3f7a-9c1d-4e2f-8a6b-7c8d9e0f1a2b';
const verdicts: Verdict[] = [];
const scratch = new ScratchFolders();
let kinesis: InProcessKinesalite;

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
});
afterAll(async () => {
  console.log(
    `\nFault suite (missing, duplicates and order are counted on the records read back from the stream)\n${formatTable(verdicts)}\n`,
  );
  await kinesis?.stop();
  scratch.removeAll();
});

async function startHost(endpoint: string, env: Record<string, string> = {}): Promise<HostProcess> {
  const host = new HostProcess(await freeFixedPort(), {
    DATA_DIR: scratch.dataDir(),
    KINESIS_ENDPOINT: endpoint,
    KINESIS_CONNECT_TIMEOUT_MS: '1000',
    DELIVERY_RETRY_BASE_MS: '50',
    DELIVERY_RETRY_MAX_MS: '2000',
    ...env,
  });
  await host.start();
  return host;
}

/** A Kinesis connector on `stream`, bound to the scenario's audience. */
async function connect(host: HostProcess, stream: string, name = 'fault connector'): Promise<string> {
  const connector = await call(host, 'POST', '/v1/connectors', {
    type: 'kinesis',
    siteNumber: 1234,
    name,
    partnerNumber: 33,
    settings: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY, region: REGION, streamName: stream },
  });
  await call(host, 'POST', '/v1/bindings', {
    connectorId: connector.id,
    source: { type: 'audience', id: SOURCE_ID, number: 1, name: 'Fault audience' },
  });
  return connector.id;
}

/** A webhook connector to `receiver` (signed with `secret`), bound to the scenario's audience. */
const connectWebhook = (host: HostProcess, receiver: WebhookReceiver, secret: string): Promise<string> =>
  connectFaultWebhook(host, receiver.url, secret, {
    siteNumber: 1234,
    source: { type: 'audience', id: SOURCE_ID, number: 1, name: 'Fault audience' },
  });

/** What the receiver verified and acknowledged, in arrival order, repeats included. */
function webhookMessages(receiver: WebhookReceiver): (StreamMessage & { webhookId: string })[] {
  return receiver.received.map((webhook) => {
    const message = JSON.parse(webhook.body) as { profileId: string; timestamp: number };
    return { profileId: message.profileId, timestamp: message.timestamp, webhookId: webhook.id };
  });
}

/** Waits until the receiver holds every accepted event (or 90 s pass). */
async function drainedWebhooks(receiver: WebhookReceiver, accepted: readonly SentEvent[]) {
  const started = Date.now();
  const wanted = accepted.map((event) => `${event.profileId}#${event.sequence}`);
  for (;;) {
    const records = webhookMessages(receiver);
    const seen = new Set(records.map((record) => `${record.profileId}#${record.timestamp}`));
    if (wanted.every((id) => seen.has(id)) || Date.now() - started > 90_000) return { records, seconds: (Date.now() - started) / 1000 };
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Messages that arrived more than once with different webhook-ids: a receiver de-duplicating by id would keep both. */
function repeatsWithNewIds(records: readonly (StreamMessage & { webhookId: string })[]): number {
  const ids = new Map<string, Set<string>>();
  for (const record of records) {
    const key = `${record.profileId}#${record.timestamp}`;
    ids.set(key, (ids.get(key) ?? new Set()).add(record.webhookId));
  }
  return [...ids.values()].filter((set) => set.size > 1).length;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function record(verdict: Verdict): Verdict {
  verdicts.push(verdict);
  console.log(verdictLine(verdict));
  return verdict;
}

describe.sequential('fault suite', { timeout: 180_000 }, () => {
  it('kill -9 of the host three times under load: nothing accepted is lost', async () => {
    const stream = 'fault-kill9';
    await kinesis.createStream(stream, 2);
    const host = await startHost(kinesis.endpoint);
    await connect(host, stream);
    const load = await loadWithKills(host, SOURCE_ID, 3600, [900, 1800, 2700]);
    const { kills } = load;
    const { records, seconds } = await drained(kinesis, stream, load.accepted);
    await host.kill('SIGTERM');
    const verdict = record(
      judge('kill -9 x3 under load', load.accepted, records, seconds, `${kills} kills, ${load.retries} requests retried`),
    );
    expect(kills).toBe(3);
    expect(verdict.accepted).toBe(3600);
    expect(verdict.missing).toBe(0);
    expect(verdict.orderViolations).toBe(0);
  });

  it('kill -9 of the host three times under a journey storm (24 profiles, 150 messages each): nothing lost, order kept', async () => {
    const stream = 'fault-kill9-storm';
    await kinesis.createStream(stream, 2);
    const host = await startHost(kinesis.endpoint);
    await connect(host, stream);
    const load = await loadWithKills(host, SOURCE_ID, 3600, [900, 1800, 2700], 24);
    const loadEnded = Date.now();
    const { records } = await drained(kinesis, stream, load.accepted);
    const drainSeconds = (Date.now() - loadEnded) / 1000;
    await host.kill('SIGTERM');
    const verdict = record(
      judge(
        'kill -9 x3 under a journey storm (24 profiles)',
        load.accepted,
        records,
        drainSeconds,
        `${load.kills} kills, ${load.retries} requests retried, drained ${drainSeconds} s after the load`,
      ),
    );
    expect(load.kills).toBe(3);
    expect(verdict.accepted).toBe(3600);
    expect(verdict.missing).toBe(0);
    expect(verdict.orderViolations).toBe(0);
  });

  it('SIGTERM under load: nothing lost, nothing sent twice', async () => {
    const stream = 'fault-sigterm';
    await kinesis.createStream(stream, 2);
    const host = await startHost(kinesis.endpoint);
    await connect(host, stream);
    let ended: string | undefined;
    let stopped = false;
    const load = await generateLoad({
      url: () => host.url,
      sourceId: SOURCE_ID,
      events: 3000,
      profiles: 300,
      batchSize: 30,
      concurrency: 2,
      onProgress: async (accepted) => {
        if (!stopped && accepted >= 1500) {
          stopped = true;
          ended = await host.kill('SIGTERM');
          await host.start();
        }
      },
    });
    const { records, seconds } = await drained(kinesis, stream, load.accepted);
    await host.kill('SIGTERM');
    const verdict = record(
      judge(
        'SIGTERM under load',
        load.accepted,
        records,
        seconds,
        `host ended by ${ended} after a graceful close, ${load.retries} requests retried`,
      ),
    );
    expect(ended).toBeDefined();
    expect(verdict.missing).toBe(0);
    expect(verdict.duplicates).toBe(0);
    expect(verdict.orderViolations).toBe(0);
  });

  it('every request posted twice with its Idempotency-Key: no duplicates', async () => {
    const stream = 'fault-idempotency';
    await kinesis.createStream(stream, 1);
    const host = await startHost(kinesis.endpoint);
    await connect(host, stream);
    const load = await generateLoad({
      url: () => host.url,
      sourceId: SOURCE_ID,
      events: 2000,
      profiles: 200,
      batchSize: 40,
      concurrency: 2,
      postTwice: true,
    });
    const { records, seconds } = await drained(kinesis, stream, load.accepted);
    // Give a wrongly stored repeat every chance to be delivered before counting.
    await sleep(500);
    const settled = await messages(kinesis, stream);
    await host.kill('SIGTERM');
    const verdict = record(
      judge(
        'same request twice (Idempotency-Key)',
        load.accepted,
        settled.length >= records.length ? settled : records,
        seconds,
        `${load.replays} repeats answered from the first`,
      ),
    );
    expect(load.replays).toBe(50);
    expect(verdict.missing).toBe(0);
    expect(verdict.duplicates).toBe(0);
  });

  it('Kinesis down for 30 s, then back on the same port and data: nothing lost, readiness unaffected', async () => {
    const stream = 'fault-outage';
    const port = await freeFixedPort();
    const emulatorData = scratch.dataDir();
    let emulator = await EmbeddedKinesalite.start({ port, dataDir: emulatorData, region: REGION });
    const reader = new KinesisTestClient(emulator.endpoint, REGION);
    await reader.createStream(stream, 1);
    const host = await startHost(emulator.endpoint);
    await connect(host, stream);

    const load = await loadThroughOutage(host, SOURCE_ID, 3000, {
      stop: () => emulator.stop(),
      restore: async () => {
        emulator = await EmbeddedKinesalite.start({ port, dataDir: emulatorData, region: REGION });
      },
    });
    const { probes, notReady } = load;
    const { records } = await drained(reader, stream, load.accepted);
    const recovery = (Date.now() - load.restoredAt) / 1000;
    await host.kill('SIGTERM');
    reader.close();
    await emulator.stop();
    const verdict = record(
      judge(
        'Kinesis stopped 30 s, restarted',
        load.accepted,
        records,
        recovery,
        `ready ${probes - notReady}/${probes} probes during the outage`,
      ),
    );
    expect(probes).toBeGreaterThan(10);
    expect(notReady).toBe(0);
    expect(verdict.missing).toBe(0);
    expect(verdict.orderViolations).toBe(0);
  });

  it('throttling and partial failures injected by a proxy: only failed entries are re-sent, order kept', async () => {
    const stream = 'fault-throttling';
    await kinesis.createStream(stream, 2);
    const proxy = await FaultProxy.start(kinesis.endpoint, { entryFailureRate: 0.15, requestThrottleRate: 0.05, seed: 42 });
    const host = await startHost(proxy.url);
    await connect(host, stream);
    const load = await generateLoad({
      url: () => host.url,
      sourceId: SOURCE_ID,
      events: 3000,
      profiles: 150,
      batchSize: 30,
      concurrency: 2,
    });
    const { records, seconds } = await drained(kinesis, stream, load.accepted);
    await host.kill('SIGTERM');
    await proxy.stop();
    const resentSuccesses = proxy.forwarded.length - new Set(proxy.forwarded).size;
    const verdict = record(
      judge(
        'throttling + partial failures',
        load.accepted,
        records,
        seconds,
        `${proxy.injectedEntryFailures} entries failed, ${proxy.injectedRequestThrottles} requests throttled, ${resentSuccesses} delivered entries re-sent`,
      ),
    );
    expect(proxy.injectedEntryFailures).toBeGreaterThan(100);
    expect(proxy.injectedRequestThrottles).toBeGreaterThan(0);
    expect(resentSuccesses).toBe(0);
    expect(verdict.missing).toBe(0);
    expect(verdict.duplicates).toBe(0);
    expect(verdict.orderViolations).toBe(0);
  });

  it('4 calls in flight against a slow, throttling stream: overlapping batches keep every profile in order', async () => {
    const stream = 'fault-in-flight';
    await kinesis.createStream(stream, 4);
    const proxy = await FaultProxy.start(kinesis.endpoint, { entryFailureRate: 0.1, requestThrottleRate: 0.05, latencyMs: 25, seed: 7 });
    // Small batches, so one profile's messages spread over many calls that overlap.
    const host = await startHost(proxy.url, { DELIVERY_MAX_IN_FLIGHT: '4', DELIVERY_LINGER_MS: '0' });
    await connect(host, stream);
    const load = await generateLoad({
      url: () => host.url,
      sourceId: SOURCE_ID,
      events: 4000,
      profiles: 40,
      batchSize: 20,
      concurrency: 4,
    });
    const { records, seconds } = await drained(kinesis, stream, load.accepted);
    await host.kill('SIGTERM');
    await proxy.stop();
    const resentSuccesses = proxy.forwarded.length - new Set(proxy.forwarded).size;
    const verdict = record(
      judge(
        '4 in flight, 25 ms latency + throttling',
        load.accepted,
        records,
        seconds,
        `up to ${proxy.maxPutRecordsInFlight} calls in flight, ${proxy.injectedEntryFailures} entries failed, ${proxy.injectedRequestThrottles} requests throttled, ${resentSuccesses} delivered entries re-sent`,
      ),
    );
    expect(proxy.maxPutRecordsInFlight).toBeGreaterThanOrEqual(2);
    expect(proxy.maxPutRecordsInFlight).toBeLessThanOrEqual(4);
    expect(proxy.injectedEntryFailures).toBeGreaterThan(100);
    expect(proxy.injectedRequestThrottles).toBeGreaterThan(0);
    expect(resentSuccesses).toBe(0);
    expect(verdict.missing).toBe(0);
    expect(verdict.duplicates).toBe(0);
    expect(verdict.orderViolations).toBe(0);
  });

  it('stream deleted mid-run: the connector pauses and keeps its messages; they arrive once the stream is back', async () => {
    const stream = 'fault-deleted';
    await kinesis.createStream(stream, 1);
    const host = await startHost(kinesis.endpoint, { DELIVERY_PAUSE_AFTER_FAILURES: '3' });
    const connectorId = await connect(host, stream);
    const before = await generateLoad({
      url: () => host.url,
      sourceId: SOURCE_ID,
      events: 1000,
      profiles: 100,
      batchSize: 50,
      concurrency: 1,
    });
    const { records: beforeDeletion } = await drained(kinesis, stream, before.accepted);
    await kinesis.deleteStream(stream);

    // The second load continues each profile's sequence, so order is judged across the deletion too.
    const during = await generateLoad({
      url: () => host.url,
      sourceId: SOURCE_ID,
      events: 1000,
      profiles: 100,
      batchSize: 50,
      concurrency: 1,
      firstSequence: 11,
    });
    const accepted = [...before.accepted, ...during.accepted];
    let connector = await call(host, 'GET', `/v1/connectors/${connectorId}`);
    for (let i = 0; i < 200 && !connector.paused; i++) {
      await sleep(100);
      connector = await call(host, 'GET', `/v1/connectors/${connectorId}`);
    }
    const deadWhilePaused = (await call(host, 'GET', `/v1/connectors/${connectorId}/dead-letters`)).total;
    await kinesis.createStream(stream, 1);
    const resumedAt = Date.now();
    const check = await call(host, 'POST', `/v1/connectors/${connectorId}/check`);
    const { records } = await drained(kinesis, stream, during.accepted, beforeDeletion);
    const recovery = (Date.now() - resumedAt) / 1000;
    await host.kill('SIGTERM');
    const verdict = record(
      judge(
        'stream deleted mid-run, resumed',
        accepted,
        records,
        recovery,
        `paused: ${connector.paused?.reason.split(':')[0]}, ${deadWhilePaused} dead letters`,
      ),
    );
    expect(connector.paused?.reason).toMatch(/^ResourceNotFoundException/);
    expect(deadWhilePaused).toBe(0);
    expect(check.ok).toBe(true);
    expect(verdict.missing).toBe(0);
    expect(verdict.orderViolations).toBe(0);
  });

  it('stream deleted past the maximum age: every kept message becomes a dead letter, and replay delivers them', async () => {
    const stream = 'fault-deleted-aged';
    await kinesis.createStream(stream, 1);
    const host = await startHost(kinesis.endpoint, {
      DELIVERY_PAUSE_AFTER_FAILURES: '2',
      DELIVERY_MAX_AGE_MS: '3000',
      DELIVERY_IDLE_POLL_MS: '200',
    });
    const connectorId = await connect(host, stream);
    await kinesis.deleteStream(stream);
    const injected = await generateLoad({
      url: () => host.url,
      sourceId: SOURCE_ID,
      events: 600,
      profiles: 60,
      batchSize: 50,
      concurrency: 1,
    });
    let dead = 0;
    for (let i = 0; i < 150 && dead < injected.accepted.length; i++) {
      await sleep(100);
      dead = (await call(host, 'GET', `/v1/connectors/${connectorId}/dead-letters?limit=1`)).total;
    }
    await kinesis.createStream(stream, 1);
    const replayedAt = Date.now();
    await call(host, 'POST', `/v1/connectors/${connectorId}/resume`);
    const replay = await call(host, 'POST', `/v1/connectors/${connectorId}/dead-letters/replay`, {});
    const { records } = await drained(kinesis, stream, injected.accepted);
    const recovery = (Date.now() - replayedAt) / 1000;
    await host.kill('SIGTERM');
    const verdict = record(
      judge(
        'stream deleted past max age, replayed',
        injected.accepted,
        records,
        recovery,
        `${dead} dead letters, ${replay.replayed} replayed`,
      ),
    );
    expect(dead).toBe(600);
    expect(replay.replayed).toBe(600);
    expect(verdict.missing).toBe(0);
    expect(verdict.orderViolations).toBe(0);
  });

  it('two connectors, one broken: the healthy one delivers everything, in order', async () => {
    const healthy = 'fault-healthy';
    await kinesis.createStream(healthy, 2);
    const host = await startHost(kinesis.endpoint);
    await connect(host, healthy, 'healthy');
    const brokenId = await connect(host, 'fault-never-created', 'broken');
    const load = await generateLoad({
      url: () => host.url,
      sourceId: SOURCE_ID,
      events: 3000,
      profiles: 300,
      batchSize: 30,
      concurrency: 2,
    });
    const { records, seconds } = await drained(kinesis, healthy, load.accepted);
    const broken = await call(host, 'GET', `/v1/connectors/${brokenId}`);
    await host.kill('SIGTERM');
    const verdict = record(
      judge('two connectors, one broken', load.accepted, records, seconds, `broken one ${broken.paused ? 'paused' : 'retrying'}`),
    );
    expect(verdict.missing).toBe(0);
    expect(verdict.duplicates).toBe(0);
    expect(verdict.orderViolations).toBe(0);
  });

  it('webhook: kill -9 of the host three times under load: nothing lost, every repeat carries its first webhook-id', async () => {
    const secret = generateSigningSecret();
    const receiver = await WebhookReceiver.start(secret);
    const host = await startHost(kinesis.endpoint);
    const connectorId = await connectWebhook(host, receiver, secret);
    const load = await loadWithKills(host, SOURCE_ID, 3600, [900, 1800, 2700]);
    const { kills } = load;
    const { records, seconds } = await drainedWebhooks(receiver, load.accepted);
    // The statistics are written with the settlements: after three kills they count each delivery at least once,
    // and at most as often as the receiver acknowledged it.
    const delivered = await deliveredCount(host, connectorId, load.accepted.length);
    await host.kill('SIGTERM');
    await receiver.stop();
    const newIds = repeatsWithNewIds(records);
    const verdict = record(
      judge(
        'webhook: kill -9 x3 under load',
        load.accepted,
        records,
        seconds,
        `${kills} kills, ${load.retries} requests retried, ${receiver.refused} signatures refused, ${newIds} repeats with a new webhook-id, stats count ${delivered} delivered`,
      ),
    );
    expect(kills).toBe(3);
    expect(verdict.accepted).toBe(3600);
    expect(verdict.missing).toBe(0);
    expect(verdict.orderViolations).toBe(0);
    expect(receiver.refused).toBe(0);
    expect(newIds).toBe(0);
    expect(delivered).toBeGreaterThanOrEqual(3600);
    expect(delivered).toBeLessThanOrEqual(records.length);
  });

  it('webhook: receiver down for 30 s, then back on the same port: nothing lost, readiness unaffected', async () => {
    const secret = generateSigningSecret();
    const receiver = await WebhookReceiver.start(secret);
    const host = await startHost(kinesis.endpoint);
    await connectWebhook(host, receiver, secret);
    const load = await loadThroughOutage(host, SOURCE_ID, 3000, { stop: () => receiver.stop(), restore: () => receiver.restart() });
    const { probes, notReady } = load;
    const { records } = await drainedWebhooks(receiver, load.accepted);
    const recovery = (Date.now() - load.restoredAt) / 1000;
    await host.kill('SIGTERM');
    await receiver.stop();
    const verdict = record(
      judge(
        'webhook: receiver down 30 s, restarted',
        load.accepted,
        records,
        recovery,
        `ready ${probes - notReady}/${probes} probes during the outage, ${receiver.refused} signatures refused`,
      ),
    );
    expect(probes).toBeGreaterThan(10);
    expect(notReady).toBe(0);
    expect(verdict.missing).toBe(0);
    expect(verdict.orderViolations).toBe(0);
    expect(receiver.refused).toBe(0);
  });
});
