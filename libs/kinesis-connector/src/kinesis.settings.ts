import { OnlyWhen, SettingsField } from '@event-connectors/connector-sdk';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { parseStreamArn } from './stream-target.js';

// Formats from the AWS API references (IAM AccessKey, Kinesis StreamName) and the region naming scheme.
export const ACCESS_KEY_ID_PATTERN = /^[A-Z0-9]{16,128}$/;
export const SECRET_ACCESS_KEY_PATTERN = /^[A-Za-z0-9/+=]{40}$/;
export const REGION_PATTERN = /^[a-z]{2,4}(-[a-z]+){1,3}-\d{1,2}$/;
export const STREAM_NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;
// IAM: arn:<partition>:iam::<account>:role/<optional path/><name>; STS: role session names and external ids.
export const ROLE_ARN_PATTERN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\x21-\x7e]+\/)*[\w+=,.@-]{1,64}$/;
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;

/** How the host gets credentials for a set-up: the customer's access keys, or a role of theirs it assumes. */
export const CREDENTIAL_MODES = ['accessKeys', 'assumeRole'] as const;
export type CredentialMode = (typeof CREDENTIAL_MODES)[number];
const KEYS: (CredentialMode | undefined)[] = [undefined, 'accessKeys'];

/** The Kinesis part of a connector's form (display name and partner number are common to every connector). */
// class-validator checks in reverse order of the decorators, and stopAtFirstError reports the first
// failure only: the bottom decorator is the most basic check ("is required"), the top the finest.
export class KinesisSettings {
  @SettingsField({
    title: 'Credentials',
    description:
      'accessKeys (the default): an access key of an IAM user of your account. assumeRole: a role of your account that this service assumes with an external ID, so no long-lived key leaves your account.',
    examples: ['accessKeys', 'assumeRole'],
  })
  @IsIn(CREDENTIAL_MODES, { message: 'credentialMode must be accessKeys or assumeRole' })
  @IsOptional()
  credentialMode?: CredentialMode;

  @SettingsField({
    title: 'AWS access key ID',
    description: 'The access key ID of an IAM user of your AWS account that may write to the stream.',
    credential: true,
    examples: ['AKIAIOSFODNN7EXAMPLE'],
  })
  @Matches(ACCESS_KEY_ID_PATTERN, {
    message: 'accessKeyId must be an AWS access key id: 16 to 128 upper-case letters and digits, like AKIAIOSFODNN7EXAMPLE',
  })
  @IsString({ message: 'accessKeyId must be a string' })
  @IsNotEmpty({ message: 'accessKeyId is required' })
  @OnlyWhen('credentialMode', KEYS)
  accessKeyId?: string;

  @SettingsField({
    title: 'AWS secret access key',
    description: 'The secret of that access key. It is stored encrypted and never shown again.',
    secret: true,
  })
  @Matches(SECRET_ACCESS_KEY_PATTERN, {
    message: 'secretAccessKey must be an AWS secret access key: 40 characters of letters, digits, "/", "+" or "="',
  })
  @IsString({ message: 'secretAccessKey must be a string' })
  @IsNotEmpty({ message: 'secretAccessKey is required' })
  @OnlyWhen('credentialMode', KEYS)
  secretAccessKey?: string;

  @SettingsField({
    title: 'IAM role ARN',
    description:
      "A role of your AWS account that this service assumes to write to the stream. Its trust policy names this service's account and requires the external ID below. A role can serve one site only.",
    credential: true,
    exclusiveToSite: true,
    examples: ['arn:aws:iam::123456789012:role/activation-stream-writer'],
  })
  @Matches(ROLE_ARN_PATTERN, { message: 'roleArn must be an IAM role ARN, like arn:aws:iam::123456789012:role/activation-stream-writer' })
  @IsString({ message: 'roleArn must be a string' })
  @IsNotEmpty({ message: 'roleArn is required' })
  @OnlyWhen('credentialMode', ['assumeRole'])
  roleArn?: string;

  @SettingsField({
    title: 'External ID',
    description:
      "Issued by this service for your site, shown here to copy: the role's trust policy must require it (the condition sts:ExternalId), so that no one else using this service can have it assume your role.",
    issued: 'tenantExternalId',
  })
  @Matches(EXTERNAL_ID_PATTERN, { message: 'externalId must be 2 to 1224 letters, digits or any of _+=,.@:/-' })
  @IsString({ message: 'externalId must be a string' })
  @IsNotEmpty({ message: 'externalId is required' })
  @OnlyWhen('credentialMode', ['assumeRole'])
  externalId?: string;

  @SettingsField({ title: 'AWS region', description: 'The region of the stream, like eu-west-1.', examples: ['eu-west-1'] })
  @Matches(REGION_PATTERN, { message: 'region must be an AWS region code, like eu-west-1 or us-gov-west-1' })
  @IsString({ message: 'region must be a string' })
  @IsNotEmpty({ message: 'region is required' })
  region!: string;

  @SettingsField({ title: 'Stream name', description: 'The name of your Kinesis data stream in that region (or give its ARN instead).' })
  @Matches(STREAM_NAME_PATTERN, {
    message: 'streamName must be 1 to 128 characters of letters, digits, "_", "-" or "."',
  })
  @MaxLength(128, { message: 'streamName must be at most 128 characters' })
  @IsString({ message: 'streamName must be a string' })
  @IsNotEmpty({ message: 'streamName is required' })
  @OnlyWhen('streamArn', [undefined])
  streamName?: string;

  @SettingsField({
    title: 'Stream ARN',
    description: 'Instead of the name: the ARN of the stream, for a stream of another account. Its region must be the region above.',
    examples: ['arn:aws:kinesis:eu-west-1:123456789012:stream/activations'],
  })
  @StreamArnInRegion()
  @IsString({ message: 'streamArn must be a string' })
  @IsOptional()
  streamArn?: string;
}

/** A Kinesis stream ARN whose region is the set-up's region (the ARN names where the stream lives). */
function StreamArnInRegion() {
  return ValidateBy({
    name: 'streamArnInRegion',
    validator: {
      validate: (value: unknown, args) => {
        const arn = typeof value === 'string' ? parseStreamArn(value) : undefined;
        return arn !== undefined && arn.region === (args!.object as KinesisSettings).region;
      },
      defaultMessage: (args) => {
        const arn = typeof args!.value === 'string' ? parseStreamArn(args!.value) : undefined;
        if (!arn) return 'streamArn must be a Kinesis stream ARN, like arn:aws:kinesis:eu-west-1:123456789012:stream/activations';
        return `streamArn is in region ${arn.region}, but region is ${(args!.object as KinesisSettings).region}: they must agree`;
      },
    },
  });
}
