import type { CheckProblem } from '@event-connectors/connector-sdk';
import { errorCode, kinesisErrorRow } from './kinesis.errors.js';
import { putRecordsEndpoint } from './put-records/put-records-endpoint.js';
import type { KinesisSettings } from './kinesis.settings.js';
import type { StreamTarget } from './stream-target.js';

// What check() tells a person, one small function per problem, so the wording lives in one place.

export const problems = {
  credentialsRejected: (code: string): CheckProblem => ({
    code: 'credentials_rejected',
    message: `AWS rejected the access key or secret key (${code}): check both keys of this connector`,
  }),
  accessDenied: (stream: string, roleArn?: string): CheckProblem => ({
    code: 'access_denied',
    message: `${roleArn ? `Role ${roleArn} was assumed` : 'The access key is valid'} but may not use stream "${stream}": grant kinesis:DescribeStreamSummary and kinesis:PutRecords`,
  }),
  streamNotFound: (stream: string, region: string, account?: string): CheckProblem => ({
    code: 'stream_not_found',
    message: `Stream "${stream}" was not found in region ${region}${account ? ` of account ${account}` : ''}`,
  }),
  streamNotActive: (stream: string, status: string): CheckProblem => ({
    code: 'stream_not_active',
    message: `Stream "${stream}" is ${status}, not ACTIVE: it cannot take records now`,
  }),
  regionMismatch: (stream: string, configured: string, actual: string): CheckProblem => ({
    code: 'region_mismatch',
    message: `Stream "${stream}" answered from region ${actual}, but the connector is set to ${configured}`,
  }),
  endpointUnreachable: (code: string, endpoint: string): CheckProblem => ({
    code: 'endpoint_unreachable',
    message: `The Kinesis endpoint ${endpoint} could not be reached (${code})`,
  }),
  assumeRoleDenied: (roleArn: string, externalId: string): CheckProblem => ({
    code: 'assume_role_denied',
    message: `AWS STS refused to let this service assume role ${roleArn}: the role's trust policy must allow sts:AssumeRole for this service's account with the condition sts:ExternalId = "${externalId}" (this service issues that external ID for your site; one typed before it did is no longer used)`,
  }),
  externalIdMismatch: (roleArn: string, externalId: string): CheckProblem => ({
    code: 'external_id_mismatch',
    message: `AWS STS refused role ${roleArn} because the external ID does not match the one its trust policy requires: it must require "${externalId}", the one this service issues for your site`,
  }),
  trustPolicyWithoutExternalId: (roleArn: string, externalId: string): CheckProblem => ({
    code: 'trust_policy_without_external_id',
    message: `Role ${roleArn} can be assumed by this service without the external ID, so anyone using this service could write with it: add the condition "StringEquals": { "sts:ExternalId": "${externalId}" } to its trust policy`,
  }),
  assumeRoleRateLimited: (detail: string): CheckProblem => ({
    code: 'assume_role_rate_limited',
    message: `Roles are not assumed for this site for now: ${detail}`,
  }),
  credentialsExpired: (detail: string): CheckProblem => ({
    code: 'credentials_expired',
    message: `The credentials are expired (${detail}): they are renewed on the next attempt; if this stays, the host's own AWS credentials need attention`,
  }),
  stsRegionDisabled: (region: string): CheckProblem => ({
    code: 'sts_region_disabled',
    message: `AWS STS is not activated in region ${region} for the host's account: activate it in IAM (account settings) to assume roles there`,
  }),
  hostCredentialsMissing: (): CheckProblem => ({
    code: 'host_credentials_missing',
    message:
      'This host has no AWS credentials of its own to assume roles with: give it a role (instance profile, task role) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
  }),
  unexpected: (code: string, message: string): CheckProblem => ({
    code: 'unexpected_error',
    message: `Kinesis answered ${code}: ${message}`,
  }),
};

/** What check() warns about: the set-up works, but will hurt what the customer's consumer relies on. */
export const warnings = {
  recordSizeBelowRecentMessages: (limitKiB: number, largestBytes: number): CheckProblem => ({
    code: 'record_size_below_recent_messages',
    message: `The stream takes records up to ${limitKiB} KiB, but a recent message of this connector was ${Math.ceil(largestBytes / 1024)} KiB: such messages will be refused (dead letters); raise the stream's maximum record size`,
  }),
  kmsAccessDenied: (keyId: string): CheckProblem => ({
    code: 'kms_access_denied',
    message: `The stream is encrypted with KMS key ${keyId || '(unknown)'} and a recent write was refused with KMSAccessDeniedException: grant kms:GenerateDataKey on that key to the writing identity`,
  }),
  orderNotKept: (strategy: string): CheckProblem => ({
    code: 'order_not_kept',
    message: `The stream distributes records with strategy ${strategy}, not by partition key: records of one profile can land on different shards, so per-profile order will not hold for consumers`,
  }),
};

/** The named problem of an error, from the error table; what it does not name is reported as unexpected. */
export function problemOf(error: unknown, settings: KinesisSettings, target: StreamTarget, endpoint?: string): CheckProblem {
  const { region, roleArn = '', externalId = '', credentialMode } = settings;
  const { streamName, account } = target;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  switch (kinesisErrorRow(code)?.problem) {
    case 'credentialsRejected':
      return problems.credentialsRejected(code);
    case 'accessDenied':
      return problems.accessDenied(streamName, credentialMode === 'assumeRole' ? roleArn : undefined);
    case 'streamNotFound':
      return problems.streamNotFound(streamName, region, account);
    case 'assumeRoleDenied':
      return problems.assumeRoleDenied(roleArn, externalId);
    case 'externalIdMismatch':
      return problems.externalIdMismatch(roleArn, externalId);
    case 'trustPolicyWithoutExternalId':
      return problems.trustPolicyWithoutExternalId(roleArn, externalId);
    case 'assumeRoleRateLimited':
      return problems.assumeRoleRateLimited(message);
    case 'credentialsExpired':
      return problems.credentialsExpired(`${code}: ${message}`);
    case 'stsRegionDisabled':
      return problems.stsRegionDisabled(region);
    case 'hostCredentialsMissing':
      return problems.hostCredentialsMissing();
    case 'endpointUnreachable':
      return problems.endpointUnreachable(code, endpoint ?? new URL(putRecordsEndpoint(region)).host);
    default:
      return problems.unexpected(code, message);
  }
}
