import type { ClassConstructor } from 'class-transformer';
import type { FieldError } from './settings/field-error.js';

/** A host rule: a partition key (the profile id) is 1 to this many characters, whatever the connector. */
export const MAX_PARTITION_KEY_LENGTH = 256;

/**
 * One message handed to a connector: the serialized activation message and the key that orders it.
 * The host serializes each message once; connectors send `body` as it is.
 *
 * @example { id: '42', partitionKey: 'aaaabbbb-…', body: '{"profileId":"aaaabbbb-…",…}' }
 */
export interface DeliveryMessage {
  /**
   * The host's id for the message, stable across retries: a destination may use it to drop a duplicate.
   * Outcomes refer to messages by position; this is for logs and de-duplication.
   */
  id: string;
  /** Messages with the same key must reach the destination in order (the profile id): 1 to `MAX_PARTITION_KEY_LENGTH` characters. */
  partitionKey: string;
  /** The JSON text of the activation message. */
  body: string;
}

/**
 * The kind of a failure, for the traffic statistics a person reads: set-ups whose credentials are refused, whose
 * permissions are missing, whose destination does not exist, destinations that throttle, messages too large for
 * the destination; everything else is `other`.
 */
export const FAILURE_CATEGORIES = ['invalid_credentials', 'access_denied', 'not_found', 'throttled', 'too_large', 'other'] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

/** Why a message was not delivered, in the destination's own words. */
export interface FailureReason {
  /** The destination's error code, e.g. `ProvisionedThroughputExceededException`. */
  code: string;
  message: string;
  /**
   * What the failure is about. `message` (the default): this message itself. `destination`: the set-up
   * (credentials refused, stream gone, key disabled); every message would fail the same way, so the host
   * keeps them and pauses the connector instead of dead-lettering them one by one.
   */
  scope?: 'message' | 'destination';
  /** True when the destination asked to slow down (throttling): the host lowers its send rate. */
  throttled?: boolean;
  /** The destination asked to wait at least this long before trying this message again (e.g. `Retry-After`). */
  retryAfterMs?: number;
  /** The failure's kind; when absent, the host counts a throttled failure as `throttled` and any other as `other`. */
  category?: FailureCategory;
  /**
   * No answer came in time: a connect or request timeout, or the host's call budget ran out. A destination whose
   * calls only time out is stalled: the host sends it one call at a time, with a short budget, until it answers.
   */
  timedOut?: boolean;
}

/** What the host asks of one `deliver` call. */
export interface DeliverOptions {
  /**
   * The host's budget for the call. Once aborted, the connector stops waiting: it ends its requests and answers
   * every message it has no acknowledgement for `retryable` with `timedOut: true` (a message the destination may
   * have taken is then sent again: a duplicate, never a loss). A call that ignores it keeps its messages (and their
   * profiles) waiting until it answers, but the host takes its call slot back a second after the budget.
   */
  signal?: AbortSignal;
}

/** The outcome of a message whose call ran out of time before the destination acknowledged it. */
export function timedOutOutcome(message = 'the call ran out of time before the destination answered'): DeliveryOutcome {
  return { status: 'retryable', reason: { code: 'CallBudgetExceeded', message, timedOut: true } };
}

/** A failure's kind as the statistics count it. */
export function categoryOf(reason: FailureReason): FailureCategory {
  return reason.category ?? (reason.throttled ? 'throttled' : 'other');
}

/**
 * What became of one message of a `deliver` call.
 * - `delivered`: the destination acknowledged it (with where it landed, when it says so);
 * - `retryable`: it may succeed later (throttling, outage): the host retries it alone;
 * - `rejected`: it will never succeed as it is (bad credentials, missing stream, too large): the host dead-letters it.
 */
export type DeliveryOutcome =
  | { status: 'delivered'; receipt?: Record<string, string> }
  | { status: 'retryable'; reason: FailureReason }
  | { status: 'rejected'; reason: FailureReason };

/** How much one `deliver` call may carry. The host never hands a connector more. */
export interface DeliveryLimits {
  /** Most messages in one call. */
  maxBatchMessages: number;
  /** Most bytes (bodies plus keys, UTF-8) in one call. */
  maxBatchBytes: number;
  /**
   * The longest one `deliver` call can take (its connect and request timeouts, over every request it makes). A host
   * that owns its work through expiring leases starts a call only while its lease outlasts this, so a call never
   * lands after another host took the work over. Absent: the host assumes its own default.
   */
  maxCallMs?: number;
}

/** A named, specific problem found by `check()`: `code` is stable for programs, `message` is for people. */
export interface CheckProblem {
  code: string;
  message: string;
}

/**
 * The answer of `check()`. `details` carries what the destination reported (e.g. shard count).
 *
 * @example { ok: false, problem: { code: 'stream_not_found', message: 'Stream "orders" was not found in eu-west-1' }, details: {} }
 */
export interface CheckResult {
  ok: boolean;
  problem?: CheckProblem;
  details: Record<string, string | number | boolean>;
  /**
   * What works but will hurt the customer's consumer (e.g. a stream that will not keep per-profile order): shown
   * to the person saving the set-up; saving still succeeds, even with ?strict=true.
   */
  warnings?: CheckProblem[];
}

/**
 * What the host knows of a set-up's recent traffic that its destination cannot tell a check: the host keeps it
 * durably (it outlives instances, restarts and the thread or instance that delivered), a connector reads it to warn.
 */
export interface CheckContext {
  /** The largest message routed to this set-up over about the last day, in UTF-8 bytes (0: none). */
  largestRecentMessageBytes: number;
  /** Why delivery paused this set-up, as `<code>: <message>`, if it is paused. */
  pausedReason?: string;
}

/** A saved connector set-up, as a connector sees it: its id and its validated settings (secrets in clear). */
export interface ConnectorSetup<TSettings extends object = object> {
  id: string;
  settings: TSettings;
  /**
   * The tenant (site) the set-up belongs to, as the host knows it: for what a destination should record about who
   * calls (e.g. an assumed role's session name), never taken from the tenant's own form. Absent outside a host.
   */
  siteNumber?: number;
}

/** What the host tells `vetSettings` about the set-up being saved. */
export interface VetContext {
  /** The tenant (site) saving it. */
  siteNumber: number;
}

/**
 * A connector set-up opened for use: built once per set-up (clients, sockets), reused for every batch,
 * closed when the set-up changes or the host stops.
 */
export interface ConnectorInstance {
  /** Limits of one `deliver` call for this set-up. */
  readonly limits: DeliveryLimits;

  /**
   * Is this set-up usable right now (credentials accepted, destination reachable and ready)?
   * Never throws: every failure is a `CheckResult` with a named problem. `context` (the host gives it) is what
   * the host saw of the set-up recently, for warnings.
   *
   * @example const result = await instance.check(); if (!result.ok) console.log(result.problem.message);
   */
  check(context?: CheckContext): Promise<CheckResult>;

  /**
   * Sends a batch and returns exactly one outcome per message, in the order of `messages`.
   * Never throws: a failure of the whole call is the same outcome for every message.
   * A single message is a batch of one; an empty batch returns `[]` without I/O.
   * The host hands at most one message per `partitionKey` in a batch, and a key's next message only after
   * this one was settled: a connector may send a batch's messages in any order, or all at once. The host may
   * have several `deliver` calls of one instance in flight at once (their keys never overlap): an instance
   * bounds its own concurrency across them.
   *
   * `options.signal`, when given, is the host's budget for the call (see `DeliverOptions`).
   *
   * @example const [outcome] = await instance.deliver([{ id: '1', partitionKey: 'p1', body: '{…}' }]);
   */
  deliver(messages: readonly DeliveryMessage[], options?: DeliverOptions): Promise<DeliveryOutcome[]>;

  /** Releases clients and sockets. Idempotent. */
  close(): Promise<void>;
}

/**
 * A kind of destination (Kinesis, a webhook, …): the plugin a connector library provides.
 * Mark the class with `@Connector()` and provide it in the library's module; the host finds it at boot.
 * Which settings are secret is declared on the settings class itself, with `@SettingsField({ secret: true })`.
 *
 * @example
 * ＠Connector()
 * export class KinesisConnector implements EventConnector<KinesisSettings> {
 *   readonly type = 'kinesis';
 *   readonly displayName = 'Amazon Kinesis';
 *   readonly settingsClass = KinesisSettings;
 *   open(setup) { return new KinesisInstance(setup); }
 * }
 */
export interface EventConnector<TSettings extends object = object> {
  /** Stable kebab-case id, stored with every set-up: never change it. */
  readonly type: string;
  /** Name shown in a platform UI. */
  readonly displayName: string;
  /** The class-validator class that validates the settings form; its fields carry `@SettingsField()`. */
  readonly settingsClass: ClassConstructor<TSettings>;
  /**
   * The largest single message (body and partition key, UTF-8) this kind of destination can take at all, whatever
   * a set-up's own configuration: the host refuses a larger one at intake rather than store what can never be
   * delivered. Optional; the host applies its own cap in any case.
   *
   * @example 10 * 1024 * 1024 // Kinesis: the largest record size a stream can be configured for
   */
  readonly maxMessageBytes?: number;

  /**
   * The longest one `deliver()` call of any of its instances may take, from the module's options (its timeouts):
   * what `DeliveryLimits.maxCallMs` of every instance says. A host that hands work over through expiring leases
   * refuses to start a connector whose calls could outlast a lease. Absent: the host assumes its own default.
   */
  readonly maxCallMs?: number;
  /** Opens a set-up whose settings were validated with `settingsClass`. Cheap: no I/O until used. */
  open(setup: ConnectorSetup<TSettings>): ConnectorInstance;
  /**
   * Deployment rules a validated form must also pass before it is saved, where they need I/O or the deployment's
   * options, which a settings class has neither of (e.g. a URL must not resolve to a private address). Each
   * problem refuses the save with a 400 naming its field (`settings.url`). Optional.
   *
   * @example async vetSettings(settings) { return isPublic(settings.url) ? [] : [{ field: 'settings.url', message: '…' }]; }
   */
  vetSettings?(settings: TSettings, context?: VetContext): Promise<FieldError[]>;
}
