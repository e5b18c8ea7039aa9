import type { FailureReason } from '@event-connectors/connector-sdk';
import type * as PubSubLibrary from '@google-cloud/pubsub';
import type { PubSub } from '@google-cloud/pubsub';
import type * as AuthLibrary from 'google-auth-library';
import type { ResolvedPubSubOptions } from './pubsub-connector.options.js';
import { failureReason } from './pubsub.errors.js';
import type { OutgoingMessage } from './pubsub-message.js';
import type { PubSubSettings } from './pubsub.settings.js';
import { readServiceAccountKey, type ServiceAccountKey } from './service-account-key.js';

const GOOGLE_ENDPOINT = 'pubsub.googleapis.com:443';
const PUBSUB_SCOPE = 'https://www.googleapis.com/auth/pubsub';

/** An opened set-up's client, its topic, and what check() names: where it publishes and as whom. */
export interface Publisher {
  /** The topic's full name, `projects/<project>/topics/<topic>`. */
  topicName: string;
  /** Publishes one message as a request of its own, once within the deadline: Pub/Sub's message id. */
  publish(message: OutgoingMessage): Promise<string>;
  /** Reads the topic (NOT_FOUND when there is none). */
  readTopic(): Promise<void>;
  /** IAM's answer for the topic: whether the key may publish to it. */
  mayPublish(): Promise<boolean>;
  /** Closes the client and its channel. */
  close(): Promise<void>;
  endpoint: string;
  /** The service account's e-mail, or `emulator` (no credentials). */
  account: string;
  emulator: boolean;
}

/** The permission a set-up needs on its topic. */
export const PUBLISH_PERMISSION = 'pubsub.topics.publish';

/** IAM's answer to testIamPermissions is the part of the permissions asked about that the caller holds. */
export function holdsPublish(answer: { permissions?: string[] | null }): boolean {
  return (answer.permissions ?? []).includes(PUBLISH_PERMISSION);
}

/** One attempt within the deadline: the host retries, with its own backoff, and so sees every throttle. */
export const onceWithin = (timeout: number) => ({ timeout, retry: { retryCodes: [] } });

/**
 * Google's client libraries, loaded when the first set-up needs them rather than when the host boots: they add
 * ~40 MiB to the host's resident memory (measured at boot), which a host with no Pub/Sub set-up should not carry.
 */
let googleLibraries: Promise<[typeof PubSubLibrary, typeof AuthLibrary]> | undefined;
function loadGoogleLibraries(): Promise<[typeof PubSubLibrary, typeof AuthLibrary]> {
  googleLibraries ??= Promise.all([import('@google-cloud/pubsub'), import('google-auth-library')]).catch((error: unknown) => {
    googleLibraries = undefined; // tried again by the next set-up that needs them
    throw error;
  });
  return googleLibraries;
}

/**
 * Where and as whom a set-up publishes, known from its settings alone (the key file read once): its emulator, its
 * key; or why it cannot publish at all (an emulator this deployment refuses, an unreadable key), fixed for its life.
 */
export type PublisherRoute = { emulator: string } | { key: ServiceAccountKey } | { refusal: FailureReason };

export function routeOf(settings: PubSubSettings, options: ResolvedPubSubOptions): PublisherRoute {
  const endpoint = settings.emulatorEndpoint;
  if (endpoint !== undefined)
    return options.allowEmulator
      ? { emulator: endpoint }
      : { refusal: failureReason('EmulatorNotAllowed', `this deployment allows no Pub/Sub emulator (${endpoint})`) };
  const reading = readServiceAccountKey(settings.serviceAccountKey);
  return reading.problem === undefined
    ? { key: reading.key }
    : { refusal: failureReason('UNAUTHENTICATED', `the service account key ${reading.problem}`) };
}

/**
 * The publisher of a set-up on its route. No I/O but loading the libraries: the client connects at its first call.
 * Everything the client library would otherwise take from the process (PUBSUB_EMULATOR_HOST, application default
 * credentials, the metadata server, GOOGLE_CLOUD_UNIVERSE_DOMAIN) is given explicitly: a set-up publishes where its
 * settings say, as its key says, and nowhere else.
 */
export async function openPublisher(
  settings: PubSubSettings,
  options: ResolvedPubSubOptions,
  route: Exclude<PublisherRoute, { refusal: FailureReason }>,
): Promise<Publisher> {
  const [library, { JWT }] = await loadGoogleLibraries();
  const common = { projectId: settings.projectId, universeDomain: 'googleapis.com' };
  if ('emulator' in route) {
    const client = new library.PubSub({ ...common, apiEndpoint: route.emulator, emulatorMode: true });
    return publisherOf(library, client, settings, options, { endpoint: route.emulator, account: 'emulator', emulator: true });
  }
  // Only the e-mail and the private key of the tenant's file are used (Google's advice for keys from elsewhere).
  const { clientEmail, privateKey } = route.key;
  const authClient = new JWT({ email: clientEmail, key: privateKey, scopes: [PUBSUB_SCOPE] });
  const client = new library.PubSub({ ...common, apiEndpoint: GOOGLE_ENDPOINT, emulatorMode: false, authClient });
  return publisherOf(library, client, settings, options, { endpoint: GOOGLE_ENDPOINT, account: clientEmail, emulator: false });
}

/**
 * The set-up's one generated PublisherClient (its publisher stub, and an IAM stub for check() against Google), made from `client`'s own settings (the library's
 * documented shortcut, `new v1.…Client(await pubsub.getClientConfig())`: the same endpoint and credentials), for
 * publishing and check() alike. Not the Topic's ordered publisher: a Publish request carries one ordering key only, and
 * the host keeps a profile's messages in order and retries them itself, so the Topic's per-key queues, timers and
 * pauses after a failure would only cost CPU (measured against the emulator: 134-196 us of the client's CPU per
 * message through the Topic, 90-112 us through the PublisherClient).
 */
async function publisherOf(
  library: typeof PubSubLibrary,
  client: PubSub,
  settings: PubSubSettings,
  options: ResolvedPubSubOptions,
  where: Pick<Publisher, 'endpoint' | 'account' | 'emulator'>,
): Promise<Publisher> {
  // The library passes its config to its own generated clients so; only the types differ (an index signature).
  type GeneratedOptions = ConstructorParameters<typeof library.v1.PublisherClient>[0];
  const generated = new library.v1.PublisherClient((await client.getClientConfig()) as GeneratedOptions);
  // Made now (no I/O: gRPC connects at the first call), so close() always ends it and its IAM client, even when only
  // check() ran or nothing did; a call after close() then fails at once rather than opening a channel again.
  try {
    await generated.initialize();
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error; // a failed load: answered retryable, made again at the next call
  }
  const topicName = client.topic(settings.topicId).name;
  // A fresh options object per request: the generated clients write each request's routing header into it.
  const once = () => onceWithin(options.requestTimeoutMs);
  return {
    topicName,
    ...where,
    publish: async (message) => {
      const [answer] = await generated.publish({ topic: topicName, messages: [message] }, once());
      const messageId = answer.messageIds?.[0];
      // Retryable (a status the table does not know): the message is kept.
      if (!messageId) throw Object.assign(new Error('Pub/Sub answered the publish without a message id'), { code: 'NoMessageId' });
      return messageId;
    },
    readTopic: async () => {
      await generated.getTopic({ topic: topicName }, once());
    },
    mayPublish: async () => {
      // The IAM mixin's types ask for the message class; the plain request is what it sends.
      const request = { resource: topicName, permissions: [PUBLISH_PERMISSION] } as Parameters<typeof generated.testIamPermissions>[0];
      const [answer] = await generated.testIamPermissions(request, once());
      return holdsPublish(answer);
    },
    close: async () => {
      // Settled, not all: a client that failed to close must not make the host's close() reject.
      await Promise.allSettled([generated.close(), client.close()]);
    },
  };
}
