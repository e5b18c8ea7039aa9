import { randomUUID } from 'node:crypto';
import { ACTIVATION_MESSAGE_FIELDS } from '@event-connectors/connector-sdk';
import { DOCUMENTED_EXAMPLE, skipUnless } from '@event-connectors/connector-sdk/testing';
import { type EmulatorSubscription, PubSubEmulator, type PulledMessage } from '@event-connectors/pubsub-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, documentedStory, profileEvent, SECOND_PROFILE } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

// The real host with the Pub/Sub connector, publishing to Google's own Pub/Sub emulator (started here), read back
// through ordered subscriptions as a customer's consumer reads. Where the emulator is absent the suite is skipped,
// and the run's summary line says why.

const PROJECT = 'activation-e2e';
let emulator: PubSubEmulator;
let host: TestHost;

/** A valid POST /v1/connectors body for a topic of the emulator. */
const pubsubConnector = (topicId: string) => ({
  type: 'pubsub',
  siteNumber: 1234,
  name: `Customer topic ${topicId}`,
  partnerNumber: 33,
  settings: { projectId: PROJECT, topicId, emulatorEndpoint: emulator.endpoint },
});

/** A fresh topic name; `create`: the topic exists, with an ordered subscription that reads it. */
async function topic(create = true) {
  const topicId = `t-${randomUUID().slice(0, 8)}`;
  if (!create) return { topicId, reader: undefined };
  await emulator.createTopic(PROJECT, topicId);
  return { topicId, reader: await emulator.createOrderedSubscription(PROJECT, topicId, `${topicId}-reader`) };
}

async function connectorOn(topicId: string, binding: (connectorId: string) => Record<string, unknown> = (id) => audienceBinding(id)) {
  const created = await host.request('POST', '/v1/connectors', pubsubConnector(topicId));
  expect(created.status).toBe(201);
  const bound = await host.request('POST', '/v1/bindings', binding(created.body.id));
  expect(bound.status).toBe(201);
  return { connector: created.body, sourceId: bound.body.source.id as string };
}

/** What the subscription received, once it holds `count` messages. */
const received = (reader: EmulatorSubscription, count: number) =>
  eventually(`${count} messages on ${reader.name}`, async () => {
    const messages = await reader.drain();
    return messages.length >= count ? messages : undefined;
  });

const parsed = (message: PulledMessage) => JSON.parse(message.data);

describe(
  "the Pub/Sub connector in the host, against Google's emulator",
  skipUnless(PubSubEmulator.available(), 'Pub/Sub emulator absent'),
  () => {
    beforeAll(async () => {
      emulator = await PubSubEmulator.start();
      host = await TestHost.configured({ env: { CONNECTORS: 'pubsub', DELIVERY_PAUSE_AFTER_FAILURES: '2', DELIVERY_RETRY_MAX_MS: '200' } });
    }, 90_000);
    afterAll(async () => {
      await host?.stop(true);
      await emulator?.stop();
    });

    it('is the only type listed, and saves a set-up naming the emulator with its check passing', async () => {
      const types = (await host.request('GET', '/v1/connector-types')).body;
      expect(types.map((type: { type: string }) => type.type)).toEqual(['pubsub']);
      const { topicId } = await topic();
      const created = await host.request('POST', '/v1/connectors?strict=true', pubsubConnector(topicId));
      expect(created.status).toBe(201);
      expect(created.body.settings).toMatchObject({ projectId: PROJECT, topicId, emulatorEndpoint: emulator.endpoint });
      expect(created.body.check).toMatchObject({
        ok: true,
        details: { topic: `projects/${PROJECT}/topics/${topicId}`, latencyMs: expect.any(Number) },
      });
      expect(created.body.paused).toBeNull();
    });

    it('publishes the documented messages: the body as built, the profile as ordering key, its attributes, the messageId as receipt', async () => {
      const { topicId, reader } = await topic();
      const { connector, sourceId } = await connectorOn(topicId, (id) =>
        audienceBinding(id, { source: { type: 'audience', id: DOCUMENTED_EXAMPLE.sourceId, number: 123, name: 'Frequent buyers' } }),
      );
      const answer = await host.request('POST', '/v1/events', {
        events: documentedStory(sourceId),
      });
      expect(answer).toEqual({ status: 202, body: { accepted: 4, routed: 7, skipped: { total: 0 } } });
      const messages = await received(reader!, 7);
      expect(messages).toHaveLength(7);

      const documented = messages.find((message) => parsed(message).profileId === DOCUMENTED_EXAMPLE.profileId)!;
      expect(documented.data).toBe(JSON.stringify(DOCUMENTED_EXAMPLE));
      expect(Object.keys(parsed(documented))).toEqual([...ACTIVATION_MESSAGE_FIELDS]);
      expect(documented.orderingKey).toBe(DOCUMENTED_EXAMPLE.profileId);
      expect(documented.attributes).toEqual({
        connectorMessageId: expect.any(String),
        callType: DOCUMENTED_EXAMPLE.callType,
        sourceId: DOCUMENTED_EXAMPLE.sourceId,
      });
      for (const message of messages) {
        expect(message.orderingKey).toBe(parsed(message).profileId);
        expect(message.attributes).toMatchObject({ callType: parsed(message).callType, sourceId: DOCUMENTED_EXAMPLE.sourceId });
      }
      // The second profile's messages, per partner id: NEW, MODIFIED, REMOVED in that order, as its ordering key carried them.
      const ofSecond = (await reader!.withOrderingKey(SECOND_PROFILE.profileId)).map(parsed);
      for (const partnerId of ['7', '8']) {
        const calls = ofSecond.filter((message) => message.partnerIds[0] === partnerId);
        expect(calls.map((message) => message.callType)).toEqual(['NEW', 'MODIFIED', 'REMOVED']);
      }
      expect(new Set(messages.map((message) => message.attributes.connectorMessageId)).size).toBe(7);

      // The history: each message delivered once, its receipt the messageId the subscriber got with that connectorMessageId.
      const history = await eventually('seven settled in the history', async () => {
        const page = (await host.request('GET', `/v1/connectors/${connector.id}/messages?outcome=delivered`)).body;
        return page.items.length === 7 ? page.items : undefined;
      });
      for (const item of history as { id: string; attempts: { outcome: string; receipt: unknown }[] }[]) {
        const pulled = messages.find((message) => message.attributes.connectorMessageId === item.id);
        expect(pulled, `message ${item.id} on the subscription`).toBeDefined();
        expect(item.attempts.map((attempt) => attempt.outcome)).toEqual(['delivered']);
        expect(item.attempts[0].receipt).toEqual({ messageId: pulled!.messageId });
      }
    });

    it("keeps each profile's order over NEW, MODIFIED and REMOVED of several profiles, posted interleaved over several requests", async () => {
      const { topicId, reader } = await topic();
      const { sourceId } = await connectorOn(topicId);
      const profiles = Array.from({ length: 6 }, (_, index) => `ordered-${index}`);
      const steps = ['NEW', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'REMOVED'];
      for (const [step, callType] of steps.entries()) {
        const events = profiles.map((profileId) =>
          profileEvent(sourceId, { callType, timestamp: step + 1, profile: { profileId, partnerIds: { '33': ['1'] }, properties: {} } }),
        );
        expect((await host.request('POST', '/v1/events', { events })).status).toBe(202);
      }
      await received(reader!, profiles.length * steps.length);
      for (const profileId of profiles) {
        const messages = (await reader!.withOrderingKey(profileId)).map(parsed);
        expect(messages.map((message) => [message.callType, message.timestamp])).toEqual(
          steps.map((callType, step) => [callType, step + 1]),
        );
      }
    });

    it('pauses on a missing topic, keeps the messages, and publishes them once the topic exists and the set-up is resumed', async () => {
      const { topicId } = await topic(false);
      const created = await host.request('POST', '/v1/connectors', pubsubConnector(topicId));
      expect(created.status).toBe(201);
      expect(created.body.check).toMatchObject({ ok: false, problem: { code: 'topic_not_found' } });
      const connectorId = created.body.id as string;
      const sourceId = (await host.request('POST', '/v1/bindings', audienceBinding(connectorId))).body.source.id as string;
      const profile = (n: number) => ({ profileId: 'kept', partnerIds: { '33': ['1'] }, properties: { n } });
      await host.request('POST', '/v1/events', {
        events: [1, 2, 3].map((n) => profileEvent(sourceId, { callType: n === 1 ? 'NEW' : 'MODIFIED', timestamp: n, profile: profile(n) })),
      });
      const paused = await eventually(
        'the pause',
        async () => (await host.request('GET', `/v1/connectors/${connectorId}`)).body.paused ?? undefined,
      );
      expect(paused.reason).toMatch(/^NOT_FOUND: /);
      expect((await host.request('GET', `/v1/connectors/${connectorId}/dead-letters`)).body.total).toBe(0);

      await emulator.createTopic(PROJECT, topicId);
      const reader = await emulator.createOrderedSubscription(PROJECT, topicId, `${topicId}-reader`);
      const resumed = await host.request('POST', `/v1/connectors/${connectorId}/resume`);
      expect(resumed.status).toBe(200);
      expect(resumed.body.paused).toBeNull();
      const messages = await received(reader, 3);
      expect(messages.map((message) => [message.orderingKey, parsed(message).timestamp])).toEqual([
        ['kept', 1],
        ['kept', 2],
        ['kept', 3],
      ]);
      expect((await host.request('GET', `/v1/connectors/${connectorId}`)).body.paused).toBeNull();
    });
  },
);
