import {
  type CheckResult,
  type ConnectorInstance,
  type ConnectorSetup,
  type DeliverOptions,
  type DeliveryLimits,
  type DeliveryMessage,
  type DeliveryOutcome,
  type FailureReason,
  timedOutOutcome,
} from '@event-connectors/connector-sdk';
import { checkPublisher } from './pubsub.check.js';
import { openPublisher, type Publisher, type PublisherRoute, routeOf } from './pubsub.client.js';
import { longestCallMs, type ResolvedPubSubOptions, START_WINDOW_MS } from './pubsub-connector.options.js';
import { failureReason, outcomeOfError, wordsOf } from './pubsub.errors.js';
import { MAX_REQUEST_BYTES } from './pubsub.limits.js';
import { toPubSubMessage } from './pubsub-message.js';
import { problems } from './pubsub.problems.js';
import { profileChains } from './profile-chains.js';
import { PublishSlots } from './publish-slots.js';
import type { PubSubSettings } from './pubsub.settings.js';
import { settleWithin } from './settle-within.js';

/** A message of a call not published because one of its profile before it in the call was not delivered. */
const HELD_BEHIND_FAILURE: DeliveryOutcome = {
  status: 'retryable',
  reason: { code: 'HeldBehindFailure', message: 'not sent: an earlier message of this profile in the call was not delivered' },
};

/** One Pub/Sub set-up: its own client, closed by close(). */
export class PubSubInstance implements ConnectorInstance {
  readonly limits: DeliveryLimits;
  /** Opened with the set-up (loading Google's libraries if no set-up has yet); opened again after a failed load. */
  private publisher: Promise<Publisher> | undefined;
  /** After close() nothing opens a client again: one opened then would never be closed. */
  private closed = false;
  /** Where and as whom it publishes, or why it cannot at all: read from the settings once. */
  private readonly route: PublisherRoute;
  private readonly refusal: FailureReason | undefined;
  /**
   * Publishes still unanswered, by profile (the host may have stopped waiting for them): nothing more of a profile
   * is published by a later call until they answer, so a retry never queues a second copy behind one, and no later
   * message can be sent in a request with it or land after the host gave its lease away.
   */
  private readonly unanswered = new Map<string, number>();
  private readonly slots: PublishSlots;

  constructor(
    private readonly setup: ConnectorSetup<PubSubSettings>,
    private readonly options: ResolvedPubSubOptions,
  ) {
    this.slots = new PublishSlots(options.concurrency);
    // A call never holds more messages than the set-up may publish at once: none of its own waits for a slot.
    const maxBatchMessages = Math.min(options.maxBatchMessages, options.concurrency);
    this.limits = { maxBatchMessages, maxBatchBytes: MAX_REQUEST_BYTES, maxCallMs: longestCallMs(options) };
    this.route = routeOf(setup.settings, options);
    this.refusal = 'refusal' in this.route ? this.route.refusal : undefined;
    // Loading starts with the set-up, so its first call rarely waits for it (a failure is the first call's to answer).
    if (!this.refusal) void this.opened().catch(() => undefined);
  }

  async check(): Promise<CheckResult> {
    if (!this.refusal) {
      const publisher = await this.opened().catch((error: unknown) => new Error(wordsOf(error)));
      if (publisher instanceof Error) return { ok: false, problem: problems.clientUnavailable(publisher.message), details: {} };
      return checkPublisher(publisher);
    }
    const { emulatorEndpoint } = this.setup.settings;
    const problem =
      this.refusal.code === 'EmulatorNotAllowed' && emulatorEndpoint !== undefined
        ? problems.emulatorNotAllowed(emulatorEndpoint)
        : problems.keyUnusable(this.refusal.message);
    return { ok: false, problem, details: {} };
  }

  /**
   * Publishes every profile's messages at once (one profile's one after another), each with its profile as ordering
   * key, and waits for Pub/Sub's answers until the
   * host's budget or the deadline runs out: a message with no answer by then is retryable and timed out (sent again
   * later, perhaps a duplicate, never a loss).
   */
  async deliver(messages: readonly DeliveryMessage[], options: DeliverOptions = {}): Promise<DeliveryOutcome[]> {
    if (messages.length === 0) return [];
    const { refusal } = this;
    if (refusal) return messages.map(() => ({ status: 'rejected', reason: refusal }));
    const { signal } = options;
    if (signal?.aborted) return messages.map(() => timedOutOutcome());
    // Timed from the call's start, the client's loading included: nothing of the call outlasts its maxCallMs.
    const began = performance.now();
    // A publish waiting for a slot (or the client) starts while the host waits and the call's start window lasts, or never.
    const startBy = AbortSignal.any([AbortSignal.timeout(START_WINDOW_MS), ...(signal ? [signal] : [])]);
    let publisher: Publisher | undefined;
    try {
      publisher = await this.openedBy(startBy);
    } catch (error) {
      // Retryable: the messages are kept, and the next call loads again (a failed load is not kept).
      return messages.map(() => ({ status: 'retryable', reason: failureReason('ClientUnavailable', wordsOf(error)) }));
    }
    if (!publisher) return messages.map(() => timedOutOutcome("not started: the set-up's Pub/Sub client was still loading"));
    const outcomes = new Array<DeliveryOutcome | undefined>(messages.length);
    // Profiles an earlier call still has a publish of: this call's messages of theirs wait for the host's retry.
    const busy = new Set(messages.map((message) => message.partitionKey).filter((key) => this.unanswered.has(key)));
    const published = Promise.all(
      profileChains(messages).map(async (chain) => {
        if (busy.has(messages[chain[0]].partitionKey)) {
          for (const index of chain)
            outcomes[index] = timedOutOutcome('an earlier publish of this profile is still unanswered: it goes first');
          return;
        }
        for (const [at, index] of chain.entries()) {
          outcomes[index] = await this.publish(publisher, messages[index], startBy);
          if (outcomes[index].status === 'delivered') continue;
          // Nothing may overtake it: the profile's later messages go again with it.
          for (const later of chain.slice(at + 1)) outcomes[later] = HELD_BEHIND_FAILURE;
          return;
        }
      }),
    );
    await settleWithin(published, signal, longestCallMs(this.options) - (performance.now() - began));
    return Array.from(outcomes, (outcome) => outcome ?? timedOutOutcome('the call ran out of time before Pub/Sub answered'));
  }

  async close(): Promise<void> {
    this.closed = true;
    // A client still loading is closed once it is there; one that never came has nothing to close.
    const publisher = await this.publisher?.catch(() => undefined);
    await publisher?.close();
  }

  private opened(): Promise<Publisher> {
    const { route } = this;
    if (this.closed) return Promise.reject(new Error('the set-up was closed'));
    if ('refusal' in route) return Promise.reject(new Error(route.refusal.message));
    this.publisher ??= openPublisher(this.setup.settings, this.options, route).catch((error: unknown) => {
      this.publisher = undefined;
      throw error;
    });
    return this.publisher;
  }

  /** The publisher, or undefined when `until` aborts first (the loading goes on, for the next call). */
  private async openedBy(until: AbortSignal): Promise<Publisher | undefined> {
    if (until.aborted) return undefined;
    let given = () => {};
    const givenUp = new Promise<undefined>((resolve) => {
      given = () => resolve(undefined);
      until.addEventListener('abort', given, { once: true });
    });
    try {
      return await Promise.race([this.opened(), givenUp]);
    } finally {
      until.removeEventListener('abort', given);
    }
  }

  private async publish(publisher: Publisher, message: DeliveryMessage, startBy: AbortSignal): Promise<DeliveryOutcome> {
    const key = message.partitionKey;
    this.unanswered.set(key, (this.unanswered.get(key) ?? 0) + 1);
    try {
      if (!(await this.slots.acquire(startBy)))
        return timedOutOutcome(`not started: the set-up's ${this.slots.size} publishes in flight were busy`);
      try {
        // Nothing is queued in the client: a profile's next message goes only when the host hands it, after this one
        // was answered (or, if the host stopped waiting, once `unanswered` lets it).
        const messageId = await publisher.publish(toPubSubMessage(message));
        return { status: 'delivered', receipt: { messageId } };
      } catch (error) {
        return outcomeOfError(error);
      } finally {
        this.slots.release();
      }
    } finally {
      const left = (this.unanswered.get(key) ?? 1) - 1;
      if (left === 0) this.unanswered.delete(key);
      else this.unanswered.set(key, left);
    }
  }
}
