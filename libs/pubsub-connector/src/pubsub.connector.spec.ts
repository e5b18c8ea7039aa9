import { type ConnectorInstance, type DeliveryMessage, type DeliveryOutcome, validateSettings } from '@event-connectors/connector-sdk';
import { DOCUMENTED_EXAMPLE, runConnectorContract, skipUnless } from '@event-connectors/connector-sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PubSubConnectorOptions, resolvePubSubOptions } from './pubsub-connector.options.js';
import { PubSubConnector } from './pubsub.connector.js';
import type { EmulatorSubscription } from './testing/emulator-subscription.js';
import { PubSubEmulator } from './testing/pubsub-emulator.js';

// Against Google's own Pub/Sub emulator (Debian's google-cloud-cli-pubsub-emulator), read through an ordered
// subscription as a customer's consumer reads. Where the emulator is absent the whole suite is skipped, and the run's
// summary line says why.
const PROJECT = 'activation-test';
const TOPIC = 'activations';
const DEVELOPMENT: PubSubConnectorOptions = { allowEmulator: true, requestTimeoutMs: 3000 };
/** Nothing listens there (the discard port). */
const UNREACHABLE = '127.0.0.1:9';
let emulator: PubSubEmulator;
let reader: EmulatorSubscription;
const opened: ConnectorInstance[] = [];

const connectorWith = (options: PubSubConnectorOptions = DEVELOPMENT) => new PubSubConnector(resolvePubSubOptions(options));
const settings = (change: Record<string, unknown> = {}) => ({
  projectId: PROJECT,
  topicId: TOPIC,
  emulatorEndpoint: emulator.endpoint,
  ...change,
});
const open = (change: Record<string, unknown> = {}, options?: PubSubConnectorOptions) => {
  const connector = connectorWith(options);
  const validation = validateSettings(connector, settings(change));
  if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
  const instance = connector.open({ id: `pubsub-${opened.length}`, settings: validation.settings });
  opened.push(instance);
  return instance;
};
let nextId = 1;
const messages = (keys: string[], extra: Record<string, unknown> = {}): DeliveryMessage[] =>
  keys.map((key) => ({ id: String(nextId), partitionKey: key, body: JSON.stringify({ profileId: key, n: nextId++, ...extra }) }));
const bodies = async (key: string) => (await reader.withOrderingKey(key)).map((message) => message.data);
const messageIdOf = (outcome: DeliveryOutcome) => (outcome.status === 'delivered' ? outcome.receipt?.messageId : undefined);

describe("PubSubConnector against Google's Pub/Sub emulator", skipUnless(PubSubEmulator.available(), 'Pub/Sub emulator absent'), () => {
  beforeAll(async () => {
    emulator = await PubSubEmulator.start();
    await emulator.createTopic(PROJECT, TOPIC);
    reader = await emulator.createOrderedSubscription(PROJECT, TOPIC, 'activations-reader');
  }, 90_000);
  afterAll(async () => {
    await Promise.all(opened.map((instance) => instance.close()));
    await emulator?.stop();
  });

  runConnectorContract({
    live: { connector: () => connectorWith(), settings: () => settings() },
    unreachable: { connector: () => connectorWith(), settings: () => settings({ emulatorEndpoint: UNREACHABLE }) },
    readBack: async (_settings, key) => bodies(key),
  });

  it("publishes the body as it is, the profile as ordering key, the host's message id, call type and source as attributes", async () => {
    const body = JSON.stringify({ ...DOCUMENTED_EXAMPLE, profileId: 'attributed' });
    const outcomes = await open().deliver([{ id: '1', partitionKey: 'attributed', body }]);
    expect(outcomes).toEqual([{ status: 'delivered', receipt: { messageId: expect.stringMatching(/^\d+$/) } }]);
    const [received] = await reader.withOrderingKey('attributed');
    expect(received).toEqual({
      data: body,
      orderingKey: 'attributed',
      attributes: { connectorMessageId: '1', callType: 'NEW', sourceId: DOCUMENTED_EXAMPLE.sourceId },
      messageId: messageIdOf(outcomes[0]),
    });
  });

  it("keeps every profile's order across calls, as an ordered subscription reads it", async () => {
    const profiles = Array.from({ length: 20 }, (_, i) => `ordered-${i}`);
    const instance = open();
    const calls = [messages(profiles), messages(profiles), messages(profiles)];
    for (const call of calls) expect((await instance.deliver(call)).every((outcome) => outcome.status === 'delivered')).toBe(true);
    for (const [index, profile] of profiles.entries()) expect(await bodies(profile)).toEqual(calls.map((call) => call[index].body));
  });

  it("delivers a call of 1000 messages, Pub/Sub's most per request: one outcome each, in order", async () => {
    const instance = open({}, { ...DEVELOPMENT, concurrency: 1000 });
    expect(instance.limits).toMatchObject({ maxBatchMessages: 1000, maxBatchBytes: 10_000_000 });
    const batch = messages(
      Array.from({ length: 1000 }, (_, i) => `bulk-${i}`),
      { padding: 'x'.repeat(1000) },
    );
    const outcomes = await instance.deliver(batch);
    expect(outcomes).toHaveLength(1000);
    expect(outcomes.filter((outcome) => outcome.status !== 'delivered')).toEqual([]);
    // Each outcome is its own message's: the id Pub/Sub gave it is the id the subscriber got with that body.
    const received = (await reader.drain()).filter((message) => message.orderingKey.startsWith('bulk-'));
    const idOfBody = new Map(received.map((message) => [message.data, message.messageId]));
    expect(received).toHaveLength(1000);
    expect(outcomes.map(messageIdOf)).toEqual(batch.map((message) => idOfBody.get(message.body)));
  });

  it('names a missing topic: check() says topic_not_found, deliver() pauses the set-up and keeps the messages', async () => {
    const instance = open({ topicId: 'no-such-topic' });
    expect(await instance.check()).toMatchObject({
      ok: false,
      problem: { code: 'topic_not_found', message: expect.stringContaining(`projects/${PROJECT}/topics/no-such-topic`) },
    });
    expect(await instance.deliver(messages(['orphan']))).toEqual([
      { status: 'rejected', reason: { code: 'NOT_FOUND', message: expect.any(String), scope: 'destination', category: 'not_found' } },
    ]);
  });

  it('retries a failed profile when the host does: its failed message first, then its next, none skipped or twice', async () => {
    const topicId = 'created-late';
    const instance = open({ topicId });
    const [first, second] = messages(['late', 'late']);
    expect((await instance.deliver([first]))[0]).toMatchObject({ status: 'rejected', reason: { code: 'NOT_FOUND' } });
    // A person creates the topic and resumes the set-up: the host hands the same message again, then the next.
    await emulator.createTopic(PROJECT, topicId);
    const lateReader = await emulator.createOrderedSubscription(PROJECT, topicId, 'late-reader');
    expect((await instance.deliver([first]))[0].status).toBe('delivered');
    expect((await instance.deliver([second]))[0].status).toBe('delivered');
    expect((await lateReader.withOrderingKey('late')).map((message) => message.data)).toEqual([first.body, second.body]);
  });

  it('publishes nothing more of a profile while an earlier publish of it is unanswered: a retry makes no second copy', async () => {
    const instance = open();
    const [first, next] = messages(['frozen', 'frozen']);
    emulator.freeze();
    try {
      // The host stops waiting for the first publish, which stays unanswered; its retry is not published meanwhile.
      expect((await instance.deliver([first], { signal: AbortSignal.timeout(300) }))[0]).toMatchObject({ status: 'retryable' });
      for (let retry = 0; retry < 3; retry++)
        expect((await instance.deliver([first]))[0]).toMatchObject({
          status: 'retryable',
          reason: { message: expect.stringContaining('still unanswered') },
        });
    } finally {
      emulator.thaw();
    }
    // Answered at last: the host's next retry goes (a second copy, as at-least-once allows), then the profile's next.
    let retried = await instance.deliver([first]);
    for (let wait = 0; retried[0].status !== 'delivered' && wait < 100; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      retried = await instance.deliver([first]);
    }
    expect(retried[0].status).toBe('delivered');
    expect((await instance.deliver([next]))[0].status).toBe('delivered');
    expect(await bodies('frozen')).toEqual([first.body, first.body, next.body]);
  });

  it('has at most its concurrency of publishes in flight, and never starts one after its call ended', async () => {
    const instance = open({}, { ...DEVELOPMENT, concurrency: 2 });
    const batch = messages(['slot-1', 'slot-2', 'slot-3']);
    emulator.freeze();
    try {
      // Two publishes take the slots and hang; the third waits, and its call ends first: it is never sent.
      const outcomes = await instance.deliver(batch, { signal: AbortSignal.timeout(400) });
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['retryable', 'retryable', 'retryable']);
      expect(outcomes[2]).toMatchObject({ reason: { message: expect.stringContaining('publishes in flight were busy') } });
    } finally {
      emulator.thaw();
    }
    // Once answered, the host's retries go; the third goes for the first time, once.
    for (const message of batch) {
      let [outcome] = await instance.deliver([message]);
      for (let wait = 0; outcome.status !== 'delivered' && wait < 100; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        [outcome] = await instance.deliver([message]);
      }
      expect(outcome.status).toBe('delivered');
    }
    expect(await bodies('slot-3')).toEqual([batch[2].body]);
    expect(await bodies('slot-1')).toEqual([batch[0].body, batch[0].body]);
  });

  it('check() reports the topic and endpoint of a live set-up, and names an unreachable one', async () => {
    expect(await open().check()).toEqual({
      ok: true,
      details: {
        topic: `projects/${PROJECT}/topics/${TOPIC}`,
        endpoint: emulator.endpoint,
        account: 'emulator',
        latencyMs: expect.any(Number),
      },
    });
    const down = open({ emulatorEndpoint: UNREACHABLE });
    expect((await down.check()).problem).toMatchObject({ code: 'unreachable', message: expect.stringContaining(UNREACHABLE) });
    expect(await down.deliver(messages(['down']))).toEqual([
      { status: 'retryable', reason: { code: 'UNAVAILABLE', message: expect.stringContaining('ECONNREFUSED') } },
    ]);
  });

  it('refuses an emulator where the deployment allows none: before saving, in check() and deliver(), sending nothing', async () => {
    const production = connectorWith({ requestTimeoutMs: 3000 });
    expect(await production.vetSettings(settings())).toEqual([
      { field: 'settings.emulatorEndpoint', message: expect.stringMatching(/^settings\.emulatorEndpoint is for development/) },
    ]);
    expect(await connectorWith().vetSettings(settings())).toEqual([]);
    const refused = open({}, { requestTimeoutMs: 3000 });
    expect((await refused.check()).problem).toMatchObject({ code: 'emulator_not_allowed' });
    expect(await refused.deliver(messages(['refused']))).toEqual([
      { status: 'rejected', reason: expect.objectContaining({ code: 'EmulatorNotAllowed', scope: 'destination' }) },
    ]);
    expect(await bodies('refused')).toEqual([]);
  });
});
