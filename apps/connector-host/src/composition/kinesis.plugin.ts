import { join } from 'node:path';
import { KinesisConnectorModule, type KinesisConnectorOptions } from '@event-connectors/kinesis-connector';
import { EmbeddedKinesalite, KinesaliteDevModule } from '@event-connectors/kinesis-connector/dev';
import type { EnvReader } from '../config/env-reader.js';
import type { ConnectorPlugin } from './connector-plugin.js';

/** The embedded kinesalite a development host starts (KINESIS_EMULATOR=embedded), and where. */
interface EmulatorOptions {
  port: number;
  dataDir: string;
  region: string;
}

/** What the Kinesis plugin reads: the connector's options, and the emulator to start, if any. */
export interface KinesisPluginOptions {
  connector: KinesisConnectorOptions;
  emulator?: EmulatorOptions;
}

/**
 * The Kinesis connector, configured from KINESIS_*. In development with no KINESIS_ENDPOINT, it runs against an
 * embedded kinesalite that the host starts and stops (KINESIS_EMULATOR=embedded|off); never in production.
 */
export const kinesisPlugin: ConnectorPlugin<KinesisPluginOptions> = {
  options(env, host) {
    const endpoint = env.url('KINESIS_ENDPOINT');
    const emulator = env.oneOf('KINESIS_EMULATOR', ['embedded', 'off'], endpoint || host.production ? 'off' : 'embedded') === 'embedded';
    if (emulator && host.production) env.refuse('KINESIS_EMULATOR=embedded is for development: refused when APP_ENV=production');
    if (emulator && endpoint) env.refuse('Set either KINESIS_ENDPOINT or KINESIS_EMULATOR=embedded, not both');
    const autoCreateStreams = env.bool('KINESIS_AUTO_CREATE_STREAMS', emulator);
    if (autoCreateStreams && !emulator && !endpoint)
      env.refuse('KINESIS_AUTO_CREATE_STREAMS=true needs KINESIS_ENDPOINT or the embedded emulator: streams in AWS belong to the customer');
    const connector = {
      endpoint,
      autoCreateStreams,
      // Sharing a store, calls must end well within a partition lease (host.callBudgetMs): shorter defaults.
      connectTimeoutMs: env.int('KINESIS_CONNECT_TIMEOUT_MS', host.sharedStore ? 2000 : 3000, 1, 120_000),
      requestTimeoutMs: env.int('KINESIS_REQUEST_TIMEOUT_MS', host.sharedStore ? 4000 : 15_000, 1, 600_000),
      ...assumeRoleOptions(env),
    };
    if (!emulator) return { connector };
    return {
      connector,
      emulator: {
        port: env.int('KINESIS_EMULATOR_PORT', 4567, 0, 65535),
        // Beside the host's own data by default, so one DATA_DIR holds a whole development set-up.
        dataDir: env.string('KINESIS_EMULATOR_DATA_DIR') ?? join(host.dataDir, 'kinesalite'),
        region: env.string('KINESIS_EMULATOR_REGION') ?? 'eu-west-1',
      },
    };
  },

  module({ connector, emulator }) {
    if (!emulator) return KinesisConnectorModule.forRoot(connector);
    return KinesisConnectorModule.forRootAsync({
      imports: [KinesaliteDevModule.forRoot(emulator)],
      inject: [EmbeddedKinesalite],
      useFactory: (kinesalite: EmbeddedKinesalite) => ({ ...connector, endpoint: kinesalite.endpoint }),
    });
  },

  /** Delivery's thread uses the emulator this host started (it must not start a second one on its port). */
  forThread({ connector, emulator }, modules) {
    if (!emulator) return { connector };
    return { connector: { ...connector, endpoint: modules.get(EmbeddedKinesalite, { strict: false }).endpoint } };
  },
};

/**
 * How the host assumes customers' roles (set-ups with credentialMode assumeRole): STS at KINESIS_STS_ENDPOINT
 * (a VPC endpoint; regional STS by default), with the host's own identity: AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) when this environment gives them, else the SDK's default chain
 * (the instance's or task's role, a profile, …).
 */
function assumeRoleOptions(env: EnvReader): Pick<KinesisConnectorOptions, 'stsEndpoint' | 'hostCredentials' | 'assumeRoleDurationSeconds'> {
  const accessKeyId = env.string('AWS_ACCESS_KEY_ID');
  const secretAccessKey = env.string('AWS_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined))
    env.refuse('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together: give both or neither');
  const sessionToken = env.string('AWS_SESSION_TOKEN');
  return {
    stsEndpoint: env.url('KINESIS_STS_ENDPOINT'),
    assumeRoleDurationSeconds: env.int('KINESIS_ASSUME_ROLE_DURATION_SECONDS', 3600, 900, 43_200),
    ...(accessKeyId && secretAccessKey && { hostCredentials: { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) } }),
  };
}
