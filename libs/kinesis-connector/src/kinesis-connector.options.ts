import type { HostCredentials } from './credentials/assumed-role-credentials.js';

/** Deployment-wide options of the Kinesis connector (the same for every set-up), given by the host. */
export interface KinesisConnectorOptions {
  /** Sends every set-up to this endpoint instead of AWS: an emulator, or a VPC/FIPS endpoint. */
  endpoint?: string;
  /** Create a missing stream on first use. An emulator convenience: refused without `endpoint`. */
  autoCreateStreams?: boolean;
  /** Socket connect timeout of the Kinesis client, ms (default 3000). */
  connectTimeoutMs?: number;
  /** Whole-request timeout of the Kinesis client, ms (default 15000). */
  requestTimeoutMs?: number;
  /** STS's endpoint for set-ups that assume a role: a private (VPC) endpoint, or a test's; regional STS otherwise. */
  stsEndpoint?: string;
  /**
   * The identity the host assumes customers' roles with: the SDK's default credential chain when not given (the
   * instance's or task's role in production, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, …).
   */
  hostCredentials?: HostCredentials;
  /** How long assumed-role credentials last, seconds (default 3600; STS allows 900 to the role's maximum). */
  assumeRoleDurationSeconds?: number;
}

/** The options with their defaults, checked. */
export type ResolvedKinesisOptions = Required<Omit<KinesisConnectorOptions, 'endpoint' | 'stsEndpoint' | 'hostCredentials'>> &
  Pick<KinesisConnectorOptions, 'endpoint' | 'stsEndpoint' | 'hostCredentials'>;

/** Injection token of the checked options, defaults filled in. */
export const RESOLVED_KINESIS_OPTIONS = Symbol('RESOLVED_KINESIS_OPTIONS');

/** One PutRecords at most: a connection and a request (after credentials, which are renewed ahead), each within its timeout. */
export function longestCallMs(options: Pick<ResolvedKinesisOptions, 'connectTimeoutMs' | 'requestTimeoutMs'>): number {
  return options.connectTimeoutMs + options.requestTimeoutMs;
}

/** Checks the options and fills in defaults; throws at boot, naming the option, on a value that cannot work. */
export function resolveKinesisOptions(options: KinesisConnectorOptions): ResolvedKinesisOptions {
  const endpoint = url('endpoint', options.endpoint);
  const stsEndpoint = url('stsEndpoint', options.stsEndpoint);
  // Creating streams is an emulator convenience; never against AWS, where streams are the customer's.
  if (options.autoCreateStreams && endpoint === undefined) {
    throw new Error('KinesisConnectorModule: autoCreateStreams needs an endpoint (an emulator): streams in AWS belong to the customer');
  }
  return {
    endpoint,
    autoCreateStreams: options.autoCreateStreams ?? false,
    connectTimeoutMs: milliseconds('connectTimeoutMs', options.connectTimeoutMs, 3000, 120_000),
    requestTimeoutMs: milliseconds('requestTimeoutMs', options.requestTimeoutMs, 15_000, 600_000),
    stsEndpoint,
    hostCredentials: options.hostCredentials,
    assumeRoleDurationSeconds: seconds('assumeRoleDurationSeconds', options.assumeRoleDurationSeconds, 3600, 900, 43_200),
  };
}

function url(name: string, value: string | undefined): string | undefined {
  const trimmed = value?.trim() || undefined;
  if (trimmed !== undefined && !/^https?:\/\/[^\s/]+/.test(trimmed)) {
    throw new Error(`KinesisConnectorModule: ${name} must be an http(s) URL, got "${trimmed}"`);
  }
  return trimmed;
}

function seconds(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`KinesisConnectorModule: ${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

function milliseconds(name: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new Error(`KinesisConnectorModule: ${name} must be an integer from 1 to ${max}, got ${value}`);
  return value;
}
