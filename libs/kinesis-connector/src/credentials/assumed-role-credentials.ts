import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { errorCode } from '../kinesis.errors.js';
import type { AssumeFailureLimiter } from './assume-failure-limiter.js';
import { AssumeRoleFailure, assumeRoleFailureOf } from './assume-role-failure.js';
import { createStsClient, type StsAccess } from './sts-client.js';

/** Credentials as the SDK and its signer take them. */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type { HostCredentials } from './sts-client.js';

export interface AssumedRoleOptions extends StsAccess {
  roleArn: string;
  /** The external ID the host issued the set-up's tenant. */
  externalId: string;
  roleSessionName: string;
  durationSeconds: number;
  /** Whose refused assumes count together (the tenant), and the count they share. */
  tenant: string;
  limiter: AssumeFailureLimiter;
}

/** Credentials are renewed this long before they expire, or at half their life if that is shorter. */
const RENEW_BEFORE_MS = 5 * 60_000;
/** After a failed call, STS is not asked again for this long: the failure is answered meanwhile. */
const RETRY_AFTER_FAILURE_MS = 5_000;

/**
 * The temporary credentials of a customer's role, assumed with its external id and kept fresh. Callers always
 * get credentials that are still valid: past the renewal point the current ones are handed out while new ones
 * are fetched (one STS call at a time), so delivery never waits on STS and never signs with expired keys; only
 * the first call, and a call after a failed renewal let them expire, waits. A refusal is an AssumeRoleFailure.
 */
export class AssumedRoleCredentials {
  private current?: { credentials: AwsCredentialIdentity; renewAt: number; expiresAt: number };
  private renewing?: Promise<AwsCredentialIdentity>;
  private lastFailure?: { at: number; error: Error };
  private sts?: STSClient;
  /** The role session as STS named it, once assumed: for check()'s details. */
  assumedRoleArn?: string;

  constructor(private readonly options: AssumedRoleOptions) {}

  /** The provider the SigV4 signer and the SDK client call before each request. */
  readonly provide = async (): Promise<AwsCredentialIdentity> => {
    const now = Date.now();
    const current = this.current;
    if (current && now < current.expiresAt - 1000) {
      if (now >= current.renewAt) void this.renew().catch(() => undefined);
      return current.credentials;
    }
    return this.renew();
  };

  close(): void {
    this.sts?.destroy();
  }

  private renew(): Promise<AwsCredentialIdentity> {
    const failure = this.lastFailure;
    // A refused role stays refused for a while: every delivery attempt must not become an STS call.
    if (failure && Date.now() - failure.at < RETRY_AFTER_FAILURE_MS) return Promise.reject(failure.error);
    this.renewing ??= this.assume()
      .then(
        (credentials) => {
          this.lastFailure = undefined;
          return credentials;
        },
        (error: unknown) => {
          const failure = error instanceof Error ? error : new Error(String(error));
          this.lastFailure = { at: Date.now(), error: failure };
          throw failure;
        },
      )
      .finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async assume(): Promise<AwsCredentialIdentity> {
    const { options } = this;
    options.limiter.refuseIfOver(options.tenant);
    this.sts ??= createStsClient(options);
    // Checked at every assume, not only when the set-up was saved: a trust policy can lose its condition later.
    await refuseWithoutExternalIdCondition(this.sts, options.roleArn, options.roleSessionName);
    let answer;
    try {
      answer = await this.sts.send(
        new AssumeRoleCommand({
          RoleArn: options.roleArn,
          ExternalId: options.externalId,
          RoleSessionName: options.roleSessionName,
          DurationSeconds: options.durationSeconds,
        }),
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const failure = assumeRoleFailureOf(errorCode(error), message);
      if (failure?.name === 'AssumeRoleDenied' || failure?.name === 'ExternalIdMismatch') options.limiter.failed(options.tenant);
      throw failure ?? error;
    }
    const issued = answer.Credentials;
    if (!issued?.AccessKeyId || !issued.SecretAccessKey || !issued.Expiration) {
      throw new Error('STS AssumeRole answered without credentials');
    }
    const obtainedAt = Date.now();
    const expiresAt = issued.Expiration.getTime();
    const renewBefore = Math.min(RENEW_BEFORE_MS, (expiresAt - obtainedAt) / 2);
    const credentials: AwsCredentialIdentity = {
      accessKeyId: issued.AccessKeyId,
      secretAccessKey: issued.SecretAccessKey,
      sessionToken: issued.SessionToken,
      expiration: issued.Expiration,
    };
    this.current = { credentials, renewAt: expiresAt - renewBefore, expiresAt };
    this.assumedRoleArn = answer.AssumedRoleUser?.Arn;
    return credentials;
  }
}

/**
 * The confused-deputy guard: assumes the role *without* the external ID. STS must refuse (the trust policy requires
 * it); if it grants, the role would serve anyone who names it to this service, and it is not used. An answer that
 * decides nothing (STS unreachable, throttled) leaves it to the assume that follows, which fails the same way.
 */
export async function refuseWithoutExternalIdCondition(sts: STSClient, roleArn: string, roleSessionName: string): Promise<void> {
  try {
    await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: roleSessionName, DurationSeconds: 900 }));
  } catch {
    return;
  }
  throw new AssumeRoleFailure(
    'TrustPolicyWithoutExternalId',
    'ExternalIdNotRequired',
    `role ${roleArn} can be assumed by this service without the external ID: its trust policy must require sts:ExternalId`,
  );
}
