import { SettingsField } from '@event-connectors/connector-sdk';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

// Formats from the AWS API references (IAM AccessKey, Kinesis StreamName) and the region naming scheme.
export const ACCESS_KEY_ID_PATTERN = /^[A-Z0-9]{16,128}$/;
export const SECRET_ACCESS_KEY_PATTERN = /^[A-Za-z0-9/+=]{40}$/;
export const REGION_PATTERN = /^[a-z]{2,4}(-[a-z]+){1,3}-\d{1,2}$/;
export const STREAM_NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;

/** The Kinesis part of a connector's form (display name and partner number are common to every connector). */
// class-validator checks in reverse order of the decorators, and stopAtFirstError reports the first
// failure only: the bottom decorator is the most basic check ("is required"), the top the finest.
export class KinesisSettings {
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
  accessKeyId!: string;

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
  secretAccessKey!: string;

  @SettingsField({ title: 'AWS region', description: 'The region of the stream, like eu-west-1.', examples: ['eu-west-1'] })
  @Matches(REGION_PATTERN, { message: 'region must be an AWS region code, like eu-west-1 or us-gov-west-1' })
  @IsString({ message: 'region must be a string' })
  @IsNotEmpty({ message: 'region is required' })
  region!: string;

  @SettingsField({ title: 'Stream name', description: 'The name of your Kinesis data stream in that region.' })
  @Matches(STREAM_NAME_PATTERN, {
    message: 'streamName must be 1 to 128 characters of letters, digits, "_", "-" or "."',
  })
  @MaxLength(128, { message: 'streamName must be at most 128 characters' })
  @IsString({ message: 'streamName must be a string' })
  @IsNotEmpty({ message: 'streamName is required' })
  streamName!: string;
}
