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
}

/** The options with their defaults, checked. */
export type ResolvedKinesisOptions = Required<Omit<KinesisConnectorOptions, 'endpoint'>> & Pick<KinesisConnectorOptions, 'endpoint'>;

/** Checks the options and fills in defaults; throws at boot, naming the option, on a value that cannot work. */
export function resolveKinesisOptions(options: KinesisConnectorOptions): ResolvedKinesisOptions {
  const endpoint = options.endpoint?.trim() || undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new Error(`KinesisConnectorModule: endpoint must be an http(s) URL, got "${endpoint}"`);
  }
  // Creating streams is an emulator convenience; never against AWS, where streams are the customer's.
  if (options.autoCreateStreams && endpoint === undefined) {
    throw new Error('KinesisConnectorModule: autoCreateStreams needs an endpoint (an emulator): streams in AWS belong to the customer');
  }
  return {
    endpoint,
    autoCreateStreams: options.autoCreateStreams ?? false,
    connectTimeoutMs: milliseconds('connectTimeoutMs', options.connectTimeoutMs, 3000, 120_000),
    requestTimeoutMs: milliseconds('requestTimeoutMs', options.requestTimeoutMs, 15_000, 600_000),
  };
}

function milliseconds(name: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new Error(`KinesisConnectorModule: ${name} must be an integer from 1 to ${max}, got ${value}`);
  return value;
}
