import type { ConnectorSetup } from '@event-connectors/connector-sdk';
import type { ResolvedKinesisOptions } from '../kinesis-connector.options.js';
import type { KinesisAgents } from '../kinesis-agents.js';
import type { KinesisSettings } from '../kinesis.settings.js';
import type { AssumeFailureLimiter } from './assume-failure-limiter.js';
import { AssumedRoleCredentials, type AwsCredentialIdentity } from './assumed-role-credentials.js';
import { roleSessionName } from './role-session-name.js';

/** A set-up's credentials: its access keys as they are, or its role's, assumed and kept fresh. */
export interface SetUpCredentials {
  /** What the signer and the SDK client take: fixed keys, or a provider called before each request. */
  credentials: AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>);
  /** The assumed role, for set-ups that assume one. */
  role?: AssumedRoleCredentials;
}

export function setUpCredentials(
  setup: ConnectorSetup<KinesisSettings>,
  options: ResolvedKinesisOptions,
  agents: KinesisAgents,
  limiter: AssumeFailureLimiter,
): SetUpCredentials {
  const { settings } = setup;
  if (settings.credentialMode !== 'assumeRole') {
    if (!settings.accessKeyId || !settings.secretAccessKey) throw new Error('access keys missing (the settings were not validated)');
    return { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } };
  }
  if (!settings.roleArn || !settings.externalId) throw new Error('role ARN or external id missing (the settings were not validated)');
  const role = new AssumedRoleCredentials({
    roleArn: settings.roleArn,
    externalId: settings.externalId,
    roleSessionName: roleSessionName(setup.id, setup.siteNumber),
    region: settings.region,
    stsEndpoint: options.stsEndpoint,
    hostCredentials: options.hostCredentials,
    durationSeconds: options.assumeRoleDurationSeconds,
    agents,
    connectTimeoutMs: options.connectTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
    tenant: setup.siteNumber === undefined ? `set-up ${setup.id}` : `site ${setup.siteNumber}`,
    limiter,
  });
  return { credentials: role.provide, role };
}
