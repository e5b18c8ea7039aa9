import type { EnvReader } from './env-reader.js';

const MiB = 1024 * 1024;

/**
 * What one request, one client or one tenant (site) may cost the host: each bound is checked before the cost is
 * incurred, and a refusal names it (by its environment variable) in a 4xx.
 */
export interface TenantLimits {
  /** Messages one POST /v1/events may route (events x their bindings x partner ids), counted before any is built. */
  messagesPerRequest: number;
  /** UTF-8 bytes of the messages one POST /v1/events may route, measured before any is built. */
  routedBytesPerRequest: number;
  /** The largest message (body and partition key) intake takes, whatever its connector type allows. */
  messageBytes: number;
  /** Connectors bound to one audience or journey step of a site: what one event of that source fans out to. */
  bindingsPerSource: number;
  /** Connector set-ups of one site. */
  connectorsPerSite: number;
  /** Request bodies the host reads at once, by their length; one client (token) may hold a quarter of it. */
  bodyBytesInFlight: number;
  /** Routed messages the host holds at once until their commit; one client (token) may hold a quarter of it. */
  routedBytesInFlight: number;
  /** Undelivered messages one site's connectors may hold together: past it, the site's intake is refused (429). */
  backlogPerSite: number;
  /** Bytes the store may hold for one site's undelivered messages: past it, the site's intake is refused (429). */
  backlogBytesPerSite: number;
  /** Dead letters one site may hold: past it, a connector that dead-letters pauses (its messages kept) until some go. */
  deadLettersPerSite: number;
  /** Bytes of dead letters (bodies and keys) one site may hold: past it, as past their count. */
  deadLetterBytesPerSite: number;
  /** How long a dead letter is kept before it is deleted, ms. */
  deadLetterRetentionMs: number;
  /** How long the message history keeps a message (by when it was accepted), ms; 0: no history is kept. */
  messageHistoryMs: number;
}

/** Reads the tenant limits; `maxBodyBytes` is the host's request body limit, which the in-flight budget must admit. */
export function readTenantLimits(env: EnvReader, maxBodyBytes: number): TenantLimits {
  const limits: TenantLimits = {
    messagesPerRequest: env.int('MAX_MESSAGES_PER_REQUEST', 10_000, 1, 10_000_000),
    routedBytesPerRequest: env.int('MAX_ROUTED_BYTES_PER_REQUEST', 16 * MiB, 1024, 1024 * MiB),
    messageBytes: env.int('MAX_MESSAGE_BYTES', MiB, 256, 64 * MiB),
    bindingsPerSource: env.int('MAX_BINDINGS_PER_SOURCE', 20, 1, 10_000),
    connectorsPerSite: env.int('MAX_CONNECTORS_PER_SITE', 100, 1, 1_000_000),
    bodyBytesInFlight: env.int('INTAKE_MAX_BODY_BYTES_IN_FLIGHT', 64 * MiB, 1024, 64 * 1024 * MiB),
    routedBytesInFlight: env.int('INTAKE_MAX_ROUTED_BYTES_IN_FLIGHT', 128 * MiB, 1024, 64 * 1024 * MiB),
    backlogPerSite: env.int('SITE_MAX_BACKLOG', 5_000_000, 1, 1_000_000_000),
    backlogBytesPerSite: env.int('SITE_MAX_BACKLOG_BYTES', 2048 * MiB, 1024, 1024 * 1024 * MiB),
    deadLettersPerSite: env.int('SITE_MAX_DEAD_LETTERS', 100_000, 1, 1_000_000_000),
    deadLetterBytesPerSite: env.int('SITE_MAX_DEAD_LETTER_BYTES', 256 * MiB, 1024, 1024 * 1024 * MiB),
    deadLetterRetentionMs: env.int('DEAD_LETTER_RETENTION_DAYS', 14, 1, 3650) * 86_400_000,
    messageHistoryMs: env.int('MESSAGE_HISTORY_DAYS', 7, 0, 365) * 86_400_000,
  };
  if (limits.messageBytes > limits.routedBytesPerRequest)
    env.refuse('MAX_MESSAGE_BYTES must be at most MAX_ROUTED_BYTES_PER_REQUEST: a request must be able to carry one message');
  if (limits.backlogBytesPerSite < limits.messageBytes)
    env.refuse('SITE_MAX_BACKLOG_BYTES must be at least MAX_MESSAGE_BYTES: a site must be able to hold one message');
  if (limits.bodyBytesInFlight < maxBodyBytes)
    env.refuse('INTAKE_MAX_BODY_BYTES_IN_FLIGHT must be at least MAX_BODY_BYTES: a request of the largest size must fit');
  if (limits.routedBytesInFlight < limits.routedBytesPerRequest)
    env.refuse('INTAKE_MAX_ROUTED_BYTES_IN_FLIGHT must be at least MAX_ROUTED_BYTES_PER_REQUEST: a request at its limit must fit');
  return limits;
}
