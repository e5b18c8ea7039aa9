import { OnlyWhen, SettingsField } from '@event-connectors/connector-sdk';
import { IsNotEmpty, IsOptional, IsString, Matches, ValidateBy } from 'class-validator';
import { PROJECT_ID_PATTERN, readServiceAccountKey } from './service-account-key.js';

/** Topic IDs: 3 to 255 characters, a letter first, then letters, digits and -_.~+%; never starting with goog. */
export const TOPIC_ID_PATTERN = /^(?!goog)[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;
/** host:port of an emulator: a name or an IPv4 address (the client library cannot parse an IPv6 one), and a port. */
const EMULATOR_ENDPOINT = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?:(\d{1,5})$/;

/** The Pub/Sub part of a connector's form (display name and partner number are common to every connector). */
// class-validator checks in reverse order of the decorators, and stopAtFirstError reports the first failure only:
// the bottom decorator is the most basic check ("is required"), the top the finest.
export class PubSubSettings {
  @SettingsField({
    title: 'Project ID',
    description: 'The Google Cloud project of the topic (its ID, not its name or number).',
    examples: ['activation-prod'],
  })
  @Matches(PROJECT_ID_PATTERN, {
    message: 'projectId must be a Google Cloud project ID: 6 to 30 lower-case letters, digits or hyphens, starting with a letter',
  })
  @IsString({ message: 'projectId must be a string' })
  @IsNotEmpty({ message: 'projectId is required' })
  projectId!: string;

  @SettingsField({
    title: 'Topic ID',
    description: 'The topic of that project that receives the messages (its ID, like activations, not projects/…/topics/…).',
    examples: ['activations'],
  })
  @Matches(TOPIC_ID_PATTERN, {
    message: 'topicId must be 3 to 255 letters, digits or any of -_.~+%, starting with a letter and not with goog',
  })
  @IsString({ message: 'topicId must be a string' })
  @IsNotEmpty({ message: 'topicId is required' })
  topicId!: string;

  @SettingsField({
    title: 'Service account key (JSON)',
    description:
      'The JSON key file of a service account that may publish to the topic (role Pub/Sub Publisher). Stored encrypted, never shown again.',
    secret: true,
  })
  @IsServiceAccountKey()
  @IsString({ message: 'serviceAccountKey must be a string: the JSON text of the key file' })
  @IsNotEmpty({ message: 'serviceAccountKey is required' })
  @OnlyWhen('emulatorEndpoint', [undefined])
  serviceAccountKey?: string;

  @SettingsField({
    title: 'Emulator endpoint',
    description:
      'Development only: host:port of a Pub/Sub emulator, reached without credentials (leave the key out). Refused where the deployment allows no emulator.',
    examples: ['127.0.0.1:8085'],
  })
  @IsEmulatorEndpoint()
  @IsString({ message: 'emulatorEndpoint must be a string' })
  @IsOptional()
  emulatorEndpoint?: string;
}

function IsServiceAccountKey() {
  return ValidateBy({
    name: 'isServiceAccountKey',
    validator: {
      validate: (value: unknown) => readServiceAccountKey(value).problem === undefined,
      defaultMessage: (args) => `serviceAccountKey ${readServiceAccountKey(args?.value).problem ?? 'is not a service-account key'}`,
    },
  });
}

function IsEmulatorEndpoint() {
  return ValidateBy({
    name: 'isEmulatorEndpoint',
    validator: {
      validate: (value: unknown) => {
        const port = typeof value === 'string' ? EMULATOR_ENDPOINT.exec(value)?.[1] : undefined;
        return port !== undefined && Number(port) >= 1 && Number(port) <= 65_535;
      },
      defaultMessage: () => 'emulatorEndpoint must be host:port, like 127.0.0.1:8085 or pubsub-emulator:8085',
    },
  });
}
