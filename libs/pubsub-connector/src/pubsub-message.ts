import type { DeliveryMessage } from '@event-connectors/connector-sdk';
import { MAX_ATTRIBUTE_VALUE_BYTES } from './pubsub.limits.js';

/** Fields of the activation message each message also carries as attributes, so a subscription can filter on them. */
export const ATTRIBUTE_FIELDS = ['callType', 'sourceId'] as const;

/** A message as Pub/Sub takes it. */
export interface OutgoingMessage {
  data: Buffer;
  /** The profile id: Pub/Sub keeps a key's messages in the order they were published. */
  orderingKey: string;
  attributes: Record<string, string>;
}

/**
 * The attribute carrying the host's id of the message: the same on every retry and replay (Pub/Sub gives each publish
 * a new messageId), so a subscriber drops what it already has.
 */
export const MESSAGE_ID_ATTRIBUTE = 'connectorMessageId';

/** The body as it is, ordered by the profile, with the host's message id, the call type and source as attributes. */
export function toPubSubMessage(message: DeliveryMessage): OutgoingMessage {
  return {
    data: Buffer.from(message.body, 'utf8'),
    orderingKey: message.partitionKey,
    attributes: { [MESSAGE_ID_ATTRIBUTE]: message.id, ...attributesOf(message.body) },
  };
}

/**
 * The attributes read from a body: each of `ATTRIBUTE_FIELDS` that is a non-empty string within Pub/Sub's attribute
 * size. A body that is not a JSON object, or lacks them, is published without (the data is what counts).
 */
export function attributesOf(body: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const attributes: Record<string, string> = {};
  for (const field of ATTRIBUTE_FIELDS) {
    const value = (parsed as Record<string, unknown>)[field];
    if (typeof value === 'string' && value !== '' && Buffer.byteLength(value) <= MAX_ATTRIBUTE_VALUE_BYTES) attributes[field] = value;
  }
  return attributes;
}
