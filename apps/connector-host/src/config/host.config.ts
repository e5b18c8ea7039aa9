import type { LogLevel } from '@nestjs/common';
import { type AccessToken, parseTokens } from '../auth/access-tokens.js';
import { join } from 'node:path';

/** Everything the host reads from its environment, parsed and checked once at boot. */
export interface HostConfig {
  production: boolean;
  /** Address the HTTP server binds to. */
  host: string;
  port: number;
  dataDir: string;
  databasePath: string;
  /** Connector types to load, from the catalog; empty means every type in the catalog. */
  connectorTypes: string[];
  /** Base64 of a 32-byte key for secret settings; absent: a key file beside the database (development). */
  secretsKey?: string;
  /** Older keys, still accepted to open secrets until a rotation re-sealed them. */
  previousSecretsKeys: string[];
  /** Bearer tokens for connectors, bindings, dead letters and traces. */
  adminTokens: AccessToken[];
  /** Bearer tokens for POST /v1/events only. */
  ingestTokens: AccessToken[];
  /** Requests per minute per client on the admin routes. */
  adminRateLimitPerMinute: number;
  delivery: {
    /** How long a loop waits for a partial batch to fill before sending it. */
    lingerMs: number;
    /** First retry delay; doubles per attempt (full jitter) up to `retryMaxMs`. */
    retryBaseMs: number;
    retryMaxMs: number;
    /** A message still undelivered this long after acceptance is dead-lettered. */
    maxMessageAgeMs: number;
    /** How often an idle loop looks at the store even without a wake-up. */
    idlePollMs: number;
    /** How long SIGTERM waits for in-flight batches. */
    shutdownTimeoutMs: number;
    /** Consecutive rounds failing on the set-up (credentials, missing stream) before the connector pauses. */
    pauseAfterFailures: number;
  };
  /** Most events in one POST /v1/events. */
  maxEventsPerRequest: number;
  /** A connector with this many undelivered messages refuses more (429). */
  maxBacklogPerConnector: number;
  /** How long an Idempotency-Key's first answer is kept. */
  idempotencyRetentionMs: number;
  /** Largest request body; larger ones get 413. */
  maxBodyBytes: number;
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
}

export const HOST_CONFIG = Symbol('HOST_CONFIG');

type Env = Record<string, string | undefined>;

/** Parses the environment; throws one error listing every malformed value (fail fast at boot). */
export function readHostConfig(env: Env): HostConfig {
  const problems: string[] = [];
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const appEnv = env.APP_ENV ?? env.NODE_ENV ?? 'development';
  const dataDir = env.DATA_DIR ?? './data';
  const secretsKey = env.SECRETS_KEY || undefined;
  if (secretsKey !== undefined && Buffer.from(secretsKey, 'base64').length !== 32) {
    problems.push('SECRETS_KEY must be the base64 of 32 random bytes (openssl rand -base64 32)');
  }
  const config: HostConfig = {
    production: appEnv === 'production',
    host: env.HOST ?? '127.0.0.1',
    port: int('PORT', 3000, 0, 65535),
    dataDir,
    databasePath: env.DATABASE_PATH ?? join(dataDir, 'connector-host.db'),
    connectorTypes: (env.CONNECTORS ?? '').split(',').map((type) => type.trim()).filter(Boolean),
    secretsKey,
    previousSecretsKeys: (env.SECRETS_PREVIOUS_KEYS ?? '').split(',').map((key) => key.trim()).filter(Boolean),
    adminTokens: parseTokens(env.ADMIN_TOKENS, 'admin', problems),
    ingestTokens: parseTokens(env.INGEST_TOKENS, 'ingest', problems),
    adminRateLimitPerMinute: int('ADMIN_RATE_LIMIT_PER_MINUTE', 1200, 1, 10_000_000),
    delivery: {
      lingerMs: int('DELIVERY_LINGER_MS', 50, 0, 60_000),
      retryBaseMs: int('DELIVERY_RETRY_BASE_MS', 200, 1, 3_600_000),
      retryMaxMs: int('DELIVERY_RETRY_MAX_MS', 30_000, 1, 86_400_000),
      maxMessageAgeMs: int('DELIVERY_MAX_AGE_MS', 24 * 3_600_000, 1000, 30 * 86_400_000),
      idlePollMs: int('DELIVERY_IDLE_POLL_MS', 1000, 10, 60_000),
      shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
      pauseAfterFailures: int('DELIVERY_PAUSE_AFTER_FAILURES', 5, 1, 1000),
    },
    maxEventsPerRequest: int('MAX_EVENTS_PER_REQUEST', 1000, 1, 100_000),
    maxBacklogPerConnector: int('MAX_BACKLOG_PER_CONNECTOR', 2_000_000, 1, 1_000_000_000),
    idempotencyRetentionMs: int('IDEMPOTENCY_RETENTION_MS', 24 * 3_600_000, 1000, 30 * 86_400_000),
    maxBodyBytes: int('MAX_BODY_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    logLevels: logLevels(env.LOG_LEVEL ?? 'log', problems),
    pinoLevel: PINO_LEVELS[env.LOG_LEVEL ?? 'log'] ?? 'info',
    logFormat: logFormat(env.LOG_FORMAT ?? (appEnv === 'production' ? 'json' : 'pretty'), problems),
    traceRetentionMs: int('TRACE_RETENTION_MS', 3_600_000, 0, 30 * 86_400_000),
    traceMaxEntries: int('TRACE_MAX_ENTRIES', 100_000, 0, 10_000_000),
  };
  if (problems.length > 0) throw new Error(`Invalid configuration:\n- ${problems.join('\n- ')}`);
  return config;
}

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const PINO_LEVELS: Record<string, string> = { silent: 'silent', fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

function logFormat(format: string, problems: string[]): 'json' | 'pretty' {
  if (format === 'json' || format === 'pretty') return format;
  problems.push(`LOG_FORMAT must be json or pretty, got "${format}"`);
  return 'json';
}

/** LOG_LEVEL=warn prints fatal, error and warn; `silent` prints nothing. */
function logLevels(level: string, problems: string[]): LogLevel[] {
  if (level === 'silent') return [];
  const index = LEVELS.indexOf(level as LogLevel);
  if (index < 0) {
    problems.push(`LOG_LEVEL must be one of silent, ${LEVELS.join(', ')}, got "${level}"`);
    return LEVELS.slice(0, 4);
  }
  return LEVELS.slice(0, index + 1);
}
