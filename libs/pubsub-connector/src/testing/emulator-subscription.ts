import type { v1 } from '@google-cloud/pubsub';

/** A message as a subscriber of the emulator got it. */
export interface PulledMessage {
  /** The data, as UTF-8 text. */
  data: string;
  orderingKey: string;
  attributes: Record<string, string>;
  messageId: string;
}

/** Pull rounds one `drain()` makes at most: each takes up to 1000 messages. */
const MAX_ROUNDS = 200;
/** Empty answers in a row that mean the subscription holds nothing more. */
const EMPTY_ROUNDS = 2;

/**
 * A subscription of the emulator, read the way a customer's consumer reads: synchronous pulls, each acknowledged,
 * so an ordered subscription hands a profile's next message only after its previous one.
 */
export class EmulatorSubscription {
  /** Every message pulled so far, in arrival order. */
  readonly received: PulledMessage[] = [];

  constructor(
    private readonly subscriber: v1.SubscriberClient,
    /** projects/…/subscriptions/… */
    readonly name: string,
  ) {}

  /** Pulls and acknowledges all the subscription holds now; answers everything received so far, in arrival order. */
  async drain(): Promise<PulledMessage[]> {
    for (let round = 0, empty = 0; round < MAX_ROUNDS && empty < EMPTY_ROUNDS; round++) {
      const [response] = await this.subscriber.pull(
        { subscription: this.name, maxMessages: 1000, returnImmediately: true },
        { timeout: 10_000 },
      );
      const pulled = response.receivedMessages ?? [];
      empty = pulled.length === 0 ? empty + 1 : 0;
      if (pulled.length === 0) continue;
      for (const { message } of pulled) {
        this.received.push({
          data: Buffer.from(message?.data ?? '').toString('utf8'),
          orderingKey: message?.orderingKey ?? '',
          attributes: { ...(message?.attributes ?? {}) },
          messageId: message?.messageId ?? '',
        });
      }
      await this.subscriber.acknowledge({ subscription: this.name, ackIds: pulled.map(({ ackId }) => ackId ?? '') });
    }
    return [...this.received];
  }

  /** The messages received so far with this ordering key, in arrival order (drains first). */
  async withOrderingKey(key: string): Promise<PulledMessage[]> {
    return (await this.drain()).filter((message) => message.orderingKey === key);
  }
}
