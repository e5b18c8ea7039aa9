import { AssumeRoleCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisAgents } from '../kinesis-agents.js';
import { errorCode } from '../kinesis.errors.js';
import { assumeRoleFailureOf } from './assume-role-failure.js';

/** Credentials as the SDK and its signer take them. */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Where the host's own credentials come from (the SDK's type for it). */
export type HostCredentials = NonNullable<STSClientConfig['credentials']>;

export interface AssumedRoleOptions {
  roleArn: string;
  externalId: string;
  roleSessionName: string;
  region: string;
  /** STS's endpoint: the regional one unless given (tests, private endpoints). */
  stsEndpoint?: string;
  /** The host's own credentials to call STS with; the SDK's default chain when not given. */
  hostCredentials?: HostCredentials;
  durationSeconds: number;
  agents: KinesisAgents;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
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
    this.sts ??= new STSClient({
      region: options.region,
      endpoint: options.stsEndpoint,
      credentials: options.hostCredentials,
      maxAttempts: 2,
      requestHandler: new NodeHttpHandler({
        httpAgent: options.agents.http,
        httpsAgent: options.agents.https,
        connectionTimeout: options.connectTimeoutMs,
        requestTimeout: options.requestTimeoutMs,
      }),
    });
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
      throw assumeRoleFailureOf(errorCode(error), message) ?? error;
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
