import type { LogLevel } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type AccessToken, readTokens } from './access-tokens.config.js';
import { type Env, EnvReader } from './env-reader.js';
import { readTenantLimits, type TenantLimits } from './tenant-limits.config.js';
import { readTracingConfig, type TracingConfig } from './tracing.config.js';
import { type AlertsConfig, readAlertsConfig } from './alerts.config.js';
import { type ConsoleConfig, readConsoleConfig } from './console.config.js';

/** Everything the host reads from its environment, parsed and checked once at boot. */
export interface HostConfig {
  production: boolean;
  /** Address the HTTP server binds to. */
  host: string;
  port: number;
  dataDir: string;
  /** The embedded SQLite file (one instance), used unless `databaseUrl` names a shared PostgreSQL. */
  databasePath: string;
  /** postgres://… (DATABASE_URL): the store many instances share; absent: the embedded SQLite file. */
  databaseUrl?: string;
  /** What this instance does (ROLE): take events, deliver them, or both. */
  role: HostRole;
  /** How instances sharing one PostgreSQL divide the delivery work (see cluster/). */
  cluster: ClusterConfig;
  /** Connector types to load (CONNECTORS=); empty means every plugin of the composition root. */
  connectorTypes: string[];
  /** Base64 of a 32-byte key for secret settings; absent: a key file beside the database (development). */
  secretsKey?: string;
  /** Older keys, still accepted to open secrets until a rotation re-sealed them. */
  previousSecretsKeys: string[];
  /** Bearer tokens for connectors, bindings, dead letters and traces. */
  adminTokens: AccessToken[];
  /** Bearer tokens for POST /v1/events only. */
  ingestTokens: AccessToken[];
  /** Bearer tokens for GET /metrics only (a Prometheus scrape job); an admin token not limited to a site serves too. */
  metricsTokens: AccessToken[];
  /** Requests per minute per token on the admin routes. */
  adminRateLimitPerMinute: number;
  /** Requests with a missing or wrong token a client address may make per minute before it is refused (429) for a minute. */
  authFailuresPerMinute: number;
  delivery: {
    /**
     * Whether delivery runs on its own thread (its own event loop, store connection and connector instances), so
     * intake and delivery never wait for each other's work; off: both share the main event loop.
     */
    thread: boolean;
    /** How long a loop waits for a partial batch to fill before sending it, while the host has room. */
    lingerMs: number;
    /** The latency budget: the longest a partial batch waits, when the host is saturated (see linger-policy.ts). */
    maxLingerMs: number;
    /** Calls one connector may have in flight; batches in flight never share a profile. */
    maxInFlight: number;
    /** Calls the whole host may have in flight, shared between sites in turn, then between a site's connectors. */
    maxCalls: number;
    /** Calls one site may have in flight: the rest always stay with the other sites. */
    maxCallsPerSite: number;
    /** The longest the host lets one call take before it aborts it (its messages retried). */
    callBudgetMs: number;
    /** Calls in a row that only timed out before a connector counts as stalled: one call in flight, a short budget. */
    stallAfterTimeouts: number;
    /** A stalled connector's call budget. */
    stalledCallBudgetMs: number;
    /** How long a connector may stay stalled before it pauses. */
    stalledPauseAfterMs: number;
    /** First retry delay; doubles per attempt (full jitter) up to `retryMaxMs`. */
    retryBaseMs: number;
    retryMaxMs: number;
    /** A message still undelivered this long after acceptance is dead-lettered. */
    maxMessageAgeMs: number;
    /** How often a loop whose messages all wait (a retry, a pause) looks again; a loop with none sleeps until woken. */
    idlePollMs: number;
    /** How long SIGTERM waits for in-flight batches. */
    shutdownTimeoutMs: number;
    /** Consecutive rounds failing on the set-up (credentials, missing stream) before the connector pauses. */
    pauseAfterFailures: number;
  };
  /** The longest saving a set-up waits for its check: past it the check answers check_timed_out. */
  checkTimeoutMs: number;
  /** Most events in one POST /v1/events. */
  maxEventsPerRequest: number;
  /** A connector with this many undelivered messages refuses more (429). */
  maxBacklogPerConnector: number;
  /** How long an Idempotency-Key's first answer is kept. */
  idempotencyRetentionMs: number;
  /** Largest request body; larger ones get 413. */
  maxBodyBytes: number;
  /** How long a client may take to send a whole request (a slow upload holds its share of intake memory). */
  requestTimeoutMs: number;
  /** What one request, client or site may cost (tenant-limits.config.ts). */
  limits: TenantLimits;
  /** Nest log levels to print. */
  logLevels: LogLevel[];
  /** pino's level for the same setting (`silent` prints nothing). */
  pinoLevel: string;
  /** `json` (production default) or `pretty` (development default). */
  logFormat: 'json' | 'pretty';
  /** How long the delivery trace keeps a delivered or skipped message. */
  traceRetentionMs: number;
  /** How many delivered or skipped messages the trace keeps at most (in memory). */
  traceMaxEntries: number;
  /** OpenTelemetry traces (OTEL_*): off unless an OTLP endpoint is given. */
  tracing: TracingConfig;
  /** Alerts to the platform (ALERT_*, AUTO_DISABLE_AFTER). */
  alerts: AlertsConfig;
  /** The console served under /console/ (CONSOLE_*). */
  console: ConsoleConfig;
}

export type HostRole = 'all' | 'intake' | 'delivery';

export interface ClusterConfig {
  /** This instance's name in the cluster (INSTANCE_ID), unique among live instances. */
  instanceId: string;
  /** Fixed partitions of the delivery work: a message's is a hash of its connector and profile. 1 on SQLite. */
  partitions: number;
  /** How long a partition's lease lasts without renewal: an instance that dies loses its work within it. */
  leaseTtlMs: number;
  /** How often leases are renewed and partitions claimed or released (a fifth of the TTL by default). */
  renewEveryMs: number;
  /** Lease time kept in reserve beyond a call's longest duration before a call may start. */
  leaseMarginMs: number;
  /** How often backlog counts are read again from the shared store (others' intake and settlements). */
  backlogRefreshMs: number;
}

export const HOST_CONFIG = Symbol('HOST_CONFIG');

/** Parses the environment; throws one error listing every malformed value (fail fast at boot). */
export function readHostConfig(environment: Env): HostConfig {
  const env = new EnvReader(environment);
  const appEnv = readAppEnv(env);
  const dataDir = env.string('DATA_DIR') ?? './data';
  const secretsKey = env.string('SECRETS_KEY');
  if (secretsKey !== undefined && Buffer.from(secretsKey, 'base64').length !== 32) {
    env.refuse('SECRETS_KEY must be the base64 of 32 random bytes (openssl rand -base64 32)');
  }
  const level = env.oneOf('LOG_LEVEL', ['silent', ...LEVELS], 'log');
  const databaseUrl = env.string('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/\S+$/.test(databaseUrl))
    env.refuse('DATABASE_URL must be a postgres:// URL (without it the host uses its embedded SQLite file)');
  const shared = databaseUrl !== undefined;
  const leaseTtlMs = env.int('LEASE_TTL_MS', 10_000, 1000, 600_000);
  const maxBodyBytes = env.int('MAX_BODY_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024);
  const maxCalls = env.int('DELIVERY_MAX_CALLS', 64, 1, 100_000);
  const config: HostConfig = {
    production: appEnv === 'production',
    host: env.string('HOST') ?? '127.0.0.1',
    port: env.int('PORT', 3000, 0, 65535),
    dataDir,
    databasePath: env.string('DATABASE_PATH') ?? join(dataDir, 'connector-host.db'),
    databaseUrl,
    role: env.oneOf('ROLE', ['all', 'intake', 'delivery'], 'all'),
    cluster: {
      instanceId: env.string('INSTANCE_ID') ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
      partitions: shared ? env.int('PARTITIONS', 32, 1, 4096) : 1,
      leaseTtlMs,
      renewEveryMs: env.int('LEASE_RENEW_MS', Math.round(leaseTtlMs / 5), 100, leaseTtlMs),
      leaseMarginMs: env.int('LEASE_MARGIN_MS', 1000, 0, leaseTtlMs),
      backlogRefreshMs: env.int('BACKLOG_REFRESH_MS', 1000, 100, 60_000),
    },
    connectorTypes: env.list('CONNECTORS'),
    secretsKey,
    previousSecretsKeys: env.list('SECRETS_PREVIOUS_KEYS'),
    adminTokens: readTokens(env, 'ADMIN_TOKENS', 'admin'),
    ingestTokens: readTokens(env, 'INGEST_TOKENS', 'ingest'),
    metricsTokens: readTokens(env, 'METRICS_TOKENS', 'metrics'),
    adminRateLimitPerMinute: env.int('ADMIN_RATE_LIMIT_PER_MINUTE', 1200, 1, 10_000_000),
    authFailuresPerMinute: env.int('AUTH_FAILURES_PER_MINUTE', 30, 1, 1_000_000),
    delivery: {
      // On PostgreSQL instances scale out as processes (ROLE), and the store's work is I/O, not this loop's CPU.
      thread: env.bool('DELIVERY_THREAD', !shared),
      lingerMs: env.int('DELIVERY_LINGER_MS', 50, 0, 60_000),
      maxLingerMs: env.int('DELIVERY_MAX_LINGER_MS', 300, 0, 60_000),
      maxInFlight: env.int('DELIVERY_MAX_IN_FLIGHT', 4, 1, 64),
      maxCalls,
      maxCallsPerSite: env.int('DELIVERY_MAX_CALLS_PER_SITE', Math.max(1, Math.floor((maxCalls * 3) / 4)), 1, maxCalls),
      callBudgetMs: env.int('DELIVERY_CALL_BUDGET_MS', 30_000, 100, 3_600_000),
      stallAfterTimeouts: env.int('DELIVERY_STALL_AFTER_TIMEOUTS', 3, 1, 1000),
      stalledCallBudgetMs: env.int('DELIVERY_STALLED_CALL_BUDGET_MS', 3000, 100, 3_600_000),
      stalledPauseAfterMs: env.int('DELIVERY_STALLED_PAUSE_AFTER_MS', 10 * 60_000, 1000, 7 * 86_400_000),
      retryBaseMs: env.int('DELIVERY_RETRY_BASE_MS', 200, 1, 3_600_000),
      retryMaxMs: env.int('DELIVERY_RETRY_MAX_MS', 30_000, 1, 86_400_000),
      maxMessageAgeMs: env.int('DELIVERY_MAX_AGE_MS', 24 * 3_600_000, 1000, 30 * 86_400_000),
      idlePollMs: env.int('DELIVERY_IDLE_POLL_MS', 1000, 10, 60_000),
      shutdownTimeoutMs: env.int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
      pauseAfterFailures: env.int('DELIVERY_PAUSE_AFTER_FAILURES', 5, 1, 1000),
    },
    checkTimeoutMs: env.int('CHECK_TIMEOUT_MS', 10_000, 100, 600_000),
    maxEventsPerRequest: env.int('MAX_EVENTS_PER_REQUEST', 1000, 1, 100_000),
    maxBacklogPerConnector: env.int('MAX_BACKLOG_PER_CONNECTOR', 2_000_000, 1, 1_000_000_000),
    idempotencyRetentionMs: env.int('IDEMPOTENCY_RETENTION_MS', 24 * 3_600_000, 1000, 30 * 86_400_000),
    maxBodyBytes,
    requestTimeoutMs: env.int('REQUEST_TIMEOUT_MS', 30_000, 1000, 600_000),
    limits: readTenantLimits(env, maxBodyBytes),
    logLevels: level === 'silent' ? [] : LEVELS.slice(0, LEVELS.indexOf(level) + 1),
    pinoLevel: PINO_LEVELS[level],
    logFormat: env.oneOf('LOG_FORMAT', ['json', 'pretty'], appEnv === 'production' ? 'json' : 'pretty'),
    traceRetentionMs: env.int('TRACE_RETENTION_MS', 3_600_000, 0, 30 * 86_400_000),
    traceMaxEntries: env.int('TRACE_MAX_ENTRIES', 100_000, 0, 10_000_000),
    tracing: readTracingConfig(env),
    alerts: readAlertsConfig(env),
    console: readConsoleConfig(env),
  };
  if (!shared && config.role !== 'all') env.refuse('ROLE=intake or ROLE=delivery needs DATABASE_URL: the instances must share one store');
  if (shared && config.delivery.thread)
    env.refuse('DELIVERY_THREAD=true is for the embedded SQLite store; on PostgreSQL run instances with ROLE instead');
  if (shared && secretsKey === undefined)
    env.refuse("DATABASE_URL needs SECRETS_KEY: instances sharing a store must open each other's secrets (a key file serves one instance)");
  if (shared && config.cluster.leaseMarginMs >= leaseTtlMs) env.refuse('LEASE_MARGIN_MS must be below LEASE_TTL_MS');
  if (config.delivery.maxLingerMs < config.delivery.lingerMs)
    env.refuse('DELIVERY_MAX_LINGER_MS (the latency budget) must be at least DELIVERY_LINGER_MS');
  env.throwIfInvalid();
  return config;
}

/**
 * APP_ENV (or, without it, NODE_ENV): production or development. Anything else stops the boot: a typo such as
 * `prod` must not quietly mean development (no secrets key required, the SSRF guard off). NODE_ENV=test, which
 * tools set, counts as development.
 */
function readAppEnv(env: EnvReader): 'production' | 'development' {
  if (env.string('APP_ENV') !== undefined) return env.oneOf('APP_ENV', ['production', 'development'], 'production');
  const nodeEnv = env.oneOf('NODE_ENV', ['production', 'development', 'test'], 'production');
  return env.string('NODE_ENV') !== undefined && nodeEnv === 'production' ? 'production' : 'development';
}

/** Whether any bearer token is configured: without one, access control is off and the host serves loopback only. */
export function accessControlOn(config: HostConfig): boolean {
  return config.adminTokens.length + config.ingestTokens.length + config.metricsTokens.length > 0;
}

/** LOG_LEVEL=warn prints fatal, error and warn; `silent` prints nothing. */
const LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const satisfies readonly LogLevel[];
const PINO_LEVELS: Record<(typeof LEVELS)[number] | 'silent', string> = {
  silent: 'silent',
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};
