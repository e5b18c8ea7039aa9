import { DOCUMENTED_EXAMPLE } from '@event-connectors/connector-sdk/testing';
import { describe, expect, it } from 'vitest';
import { resolvePubSubOptions } from './pubsub-connector.options.js';
import { PubSubConnector } from './pubsub.connector.js';
import { MAX_ATTRIBUTE_VALUE_BYTES, MAX_MESSAGE_BYTES, MAX_REQUEST_BYTES } from './pubsub.limits.js';
import { attributesOf, toPubSubMessage } from './pubsub-message.js';

describe('toPubSubMessage', () => {
  it("sends the body byte for byte, the profile as ordering key, the host's message id, call type and source as attributes", () => {
    const body = JSON.stringify({ ...DOCUMENTED_EXAMPLE, sourceName: 'Zoë 東京 🚀' });
    const message = toPubSubMessage({ id: '7', partitionKey: DOCUMENTED_EXAMPLE.profileId, body });
    expect(message).toEqual({
      data: Buffer.from(body, 'utf8'),
      orderingKey: DOCUMENTED_EXAMPLE.profileId,
      attributes: { connectorMessageId: '7', callType: 'NEW', sourceId: 'dc0beb89-2d63-4ec7-899a-6e986ed8932f' },
    });
  });
});

describe('attributesOf', () => {
  it('takes each of callType and sourceId that is a non-empty string, and nothing else of the body', () => {
    expect(attributesOf(JSON.stringify({ callType: 'REMOVED', profileId: 'p', partnerIds: ['4'] }))).toEqual({ callType: 'REMOVED' });
    expect(attributesOf(JSON.stringify({ callType: '', sourceId: 42 }))).toEqual({});
  });

  it("leaves out a value longer than Pub/Sub's 1024-byte attribute rather than cut it", () => {
    const long = 'é'.repeat(MAX_ATTRIBUTE_VALUE_BYTES / 2 + 1);
    expect(attributesOf(JSON.stringify({ callType: 'MODIFIED', sourceId: long }))).toEqual({ callType: 'MODIFIED' });
  });

  it('publishes a body that is not a JSON object without attributes, never refusing it', () => {
    for (const body of ['not json', '[1,2]', 'null', '"text"']) expect(attributesOf(body)).toEqual({});
  });
});

describe("batching within Pub/Sub's limits", () => {
  it('takes at most 1000 messages and 10 MB a call, the most a Publish request may carry, and no more than it publishes at once', () => {
    const open = (concurrency?: number) =>
      new PubSubConnector(resolvePubSubOptions({ allowEmulator: true, concurrency })).open({
        id: 'limits',
        settings: { projectId: 'activation-dev', topicId: 'activations', emulatorEndpoint: '127.0.0.1:9' },
      });
    const bounded = open();
    expect(bounded.limits).toEqual({ maxBatchMessages: 100, maxBatchBytes: 10_000_000, maxCallMs: 15_250 });
    void bounded.close();
    const instance = new PubSubConnector(resolvePubSubOptions({ allowEmulator: true, concurrency: 1000 })).open({
      id: 'limits',
      settings: { projectId: 'activation-dev', topicId: 'activations', emulatorEndpoint: '127.0.0.1:9' },
    });
    expect(instance.limits).toEqual({ maxBatchMessages: 1000, maxBatchBytes: 10_000_000, maxCallMs: 15_250 });
    void instance.close();
  });

  it("refuses at intake a message that cannot fit one request with its attributes and Pub/Sub's framing", () => {
    const connector = new PubSubConnector(resolvePubSubOptions({}));
    expect(connector.maxMessageBytes).toBe(MAX_MESSAGE_BYTES);
    const attributes = Object.entries(attributesOf(JSON.stringify({ callType: 'MODIFIED', sourceId: 'é'.repeat(512) })));
    const attributeBytes = attributes.reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
    const topicName = `projects/${'a'.repeat(30)}/topics/${'t'.repeat(255)}`;
    expect(MAX_MESSAGE_BYTES + attributeBytes + topicName.length + 64).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
  });

  it('declares its longest call from its deadline, and a shorter deadline shortens it', () => {
    expect(new PubSubConnector(resolvePubSubOptions({})).maxCallMs).toBe(15_250);
    expect(new PubSubConnector(resolvePubSubOptions({ requestTimeoutMs: 4000 })).maxCallMs).toBe(4250);
  });
});
