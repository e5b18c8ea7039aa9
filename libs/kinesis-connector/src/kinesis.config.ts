import { join } from 'node:path';

/** Deployment-wide settings of the Kinesis connector (not per set-up), read from the host's configuration. */
export interface KinesisDeploymentConfig {
  /** Sends every set-up to this endpoint instead of AWS (a local emulator). */
  endpoint?: string;
  /** Start the embedded kinesalite emulator with the host (development only). */
  embeddedEmulator: boolean;
  emulatorPort: number;
  emulatorDataDir: string;
  /** The region the embedded emulator reports in stream ARNs. */
  emulatorRegion: string;
  /** Create a missing stream on first use: only ever true against an emulator. */
  autoCreateStreams: boolean;
  /** Socket connect and whole-request timeouts of the Kinesis client. */
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

type Read = (key: string) => string | undefined;

/** Parses and checks the `KINESIS_*` settings; throws at boot on a malformed value. */
export function readKinesisConfig(read: Read): KinesisDeploymentConfig {
  const endpoint = read('KINESIS_ENDPOINT')?.trim() || undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new Error(`KINESIS_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
  }
  const production = (read('APP_ENV') ?? read('NODE_ENV')) === 'production';
  const emulatorSetting = read('KINESIS_EMULATOR') ?? (endpoint || production ? 'off' : 'embedded');
  if (emulatorSetting !== 'embedded' && emulatorSetting !== 'off') {
    throw new Error(`KINESIS_EMULATOR must be "embedded" or "off", got "${emulatorSetting}"`);
  }
  const embeddedEmulator = emulatorSetting === 'embedded';
  if (embeddedEmulator && production) throw new Error('KINESIS_EMULATOR=embedded is for development: refused when APP_ENV=production');
  if (embeddedEmulator && endpoint) throw new Error('Set either KINESIS_ENDPOINT or KINESIS_EMULATOR=embedded, not both');
  const autoCreate = read('KINESIS_AUTO_CREATE_STREAMS');
  return {
    endpoint,
    embeddedEmulator,
    emulatorPort: integer(read, 'KINESIS_EMULATOR_PORT', 4567, 0, 65535),
    // Beside the host's own data by default, so one DATA_DIR holds a whole development set-up.
    emulatorDataDir: read('KINESIS_EMULATOR_DATA_DIR') ?? join(read('DATA_DIR') ?? './data', 'kinesalite'),
    emulatorRegion: read('KINESIS_EMULATOR_REGION') ?? 'eu-west-1',
    // Creating streams is an emulator convenience; never against AWS, where streams are the customer's.
    autoCreateStreams: (autoCreate === undefined ? embeddedEmulator : autoCreate === 'true') && (embeddedEmulator || !!endpoint),
    connectTimeoutMs: integer(read, 'KINESIS_CONNECT_TIMEOUT_MS', 3000, 1, 120_000),
    requestTimeoutMs: integer(read, 'KINESIS_REQUEST_TIMEOUT_MS', 15_000, 1, 600_000),
  };
}

function integer(read: Read, key: string, fallback: number, min: number, max: number): number {
  const raw = read(key);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}
