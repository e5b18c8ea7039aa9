import { describe, expect, it, vi } from 'vitest';
import type { ConnectorInstance } from '@event-connectors/connector-sdk';
import type * as PubSubLibrary from '@google-cloud/pubsub';
import { resolvePubSubOptions } from './pubsub-connector.options.js';
import { PubSubConnector } from './pubsub.connector.js';

// Google's real library, with two things a host can meet: its first loading held back 400 ms (longer than a call's
// 250 ms start window), as a cold start on a busy machine can be, and a client that cannot be made when told to
// (`failNext`). Clients made are counted. Nothing else is replaced.
const library = vi.hoisted(() => ({ failNext: 0, made: 0 }));
vi.mock('@google-cloud/pubsub', async (importOriginal) => {
  await new Promise((resolve) => setTimeout(resolve, 400));
  const original = await importOriginal<typeof PubSubLibrary>();
  class CountedPubSub extends original.PubSub {
    constructor(...options: ConstructorParameters<typeof original.PubSub>) {
      if (library.failNext > 0) {
        library.failNext--;
        throw new Error('no client today');
      }
      super(...options);
      library.made++;
    }
  }
  return { ...original, PubSub: CountedPubSub };
});

const connector = new PubSubConnector(resolvePubSubOptions({ allowEmulator: true, requestTimeoutMs: 200 }));
/** Nothing listens on the discard port: a publish or check that gets a client fails there, retryable. */
const open = (id: string) => connector.open({ id, settings: { projectId: 'loading-test', topicId: 't', emulatorEndpoint: '127.0.0.1:9' } });
const message = (id: string) => ({ id, partitionKey: `profile-${id}`, body: '{}' });
const codes = async (instance: ConnectorInstance, ids: string[]) =>
  (await instance.deliver(ids.map(message))).map((outcome) =>
    outcome.status === 'delivered' ? 'delivered' : `${outcome.status} ${outcome.reason.message}`,
  );

describe.sequential("a Pub/Sub set-up while Google's client loads, fails to load, or after close()", () => {
  it("publishes nothing while the client is still loading past the call's start window, and answers retryable", async () => {
    const instance = open('cold');
    try {
      expect(await codes(instance, ['1', '2'])).toEqual(
        [1, 2].map(() => "retryable not started: the set-up's Pub/Sub client was still loading"),
      );
      expect(library.made).toBe(0);
    } finally {
      await instance.close();
    }
  });

  it('keeps the messages of a set-up whose client cannot be made, names it in check(), and makes it again next time', async () => {
    const instance = open('failing');
    library.failNext = 2; // this opening (started with the set-up) and the next
    try {
      expect(await codes(instance, ['3'])).toEqual(['retryable no client today']);
      const check = await instance.check();
      expect(check.ok).toBe(false);
      expect(check.problem?.message).toContain("could not load Google's Pub/Sub client (no client today)");
      // The failure was not kept: the next call makes a client, which then finds nothing at the discard port.
      const made = library.made;
      expect((await instance.check()).problem?.code).toBe('unreachable');
      expect(library.made).toBe(made + 1);
    } finally {
      await instance.close();
    }
  });

  it('makes no client after close(): a late call is answered retryable and nothing is left open', async () => {
    const instance = open('closed');
    await instance.close();
    const made = library.made;
    expect(await codes(instance, ['4'])).toEqual(['retryable the set-up was closed']);
    expect((await instance.check()).ok).toBe(false);
    expect(library.made).toBe(made);
  });
});
