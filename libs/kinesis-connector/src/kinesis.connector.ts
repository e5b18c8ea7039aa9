import { Inject, Injectable } from '@nestjs/common';
import {
  Connector,
  type ConnectorInstance,
  type ConnectorSetup,
  type EventConnector,
  type FieldError,
  type VetContext,
} from '@event-connectors/connector-sdk';
import { AssumeFailureLimiter } from './credentials/assume-failure-limiter.js';
import { AssumeRoleFailure } from './credentials/assume-role-failure.js';
import { refuseWithoutExternalIdCondition } from './credentials/assumed-role-credentials.js';
import { HostAccount } from './credentials/host-account.js';
import { roleSessionName } from './credentials/role-session-name.js';
import { createStsClient } from './credentials/sts-client.js';
import { problems } from './kinesis.problems.js';
import { longestCallMs, RESOLVED_KINESIS_OPTIONS, type ResolvedKinesisOptions } from './kinesis-connector.options.js';
import { createKinesisAgents } from './kinesis-agents.js';
import { createKinesisClient } from './kinesis.client.js';
import pLimit from 'p-limit';
import { type ControlPlaneLimit, KinesisInstance } from './kinesis.instance.js';
import { KinesisSettings } from './kinesis.settings.js';
import { LARGEST_MAX_RECORD_BYTES } from './kinesis.limits.js';
import { PutRecordsSender } from './put-records/put-records-sender.js';
import { setUpCredentials } from './credentials/set-up-credentials.js';

/** The Amazon Kinesis Data Streams connector: one message per record, partition key = profile id. */
@Connector()
@Injectable()
export class KinesisConnector implements EventConnector<KinesisSettings> {
  readonly type = 'kinesis';
  readonly displayName = 'Amazon Kinesis';
  readonly settingsClass = KinesisSettings;
  /** A record (data and partition key) of a stream configured for the largest size Kinesis allows. */
  readonly maxMessageBytes = LARGEST_MAX_RECORD_BYTES;

  /** Stream descriptions of set-ups opening at once: four at a time, beside their first PutRecords. */
  private readonly controlPlane: ControlPlaneLimit = pLimit(4);
  /** Refused assumes per tenant, across its set-ups. */
  private readonly assumeFailures = new AssumeFailureLimiter();
  private readonly hostAccount = new HostAccount();

  constructor(@Inject(RESOLVED_KINESIS_OPTIONS) private readonly options: ResolvedKinesisOptions) {}

  get maxCallMs(): number {
    return longestCallMs(this.options);
  }

  /**
   * A role set-up is refused (before anything is saved) when the role belongs to the host's own account, or when
   * STS lets the host assume it without the external ID: either would let a tenant borrow what is not its own.
   */
  async vetSettings(settings: KinesisSettings, context?: VetContext): Promise<FieldError[]> {
    if (settings.credentialMode !== 'assumeRole' || !settings.roleArn) return [];
    // A site whose assumes STS keeps refusing is not given more probes at save either.
    try {
      this.assumeFailures.refuseIfOver(context?.siteNumber === undefined ? 'unknown site' : `site ${context.siteNumber}`);
    } catch (error) {
      return [{ field: 'settings.roleArn', message: `settings.roleArn cannot be checked now: ${(error as Error).message}` }];
    }
    const agents = createKinesisAgents();
    const sts = createStsClient({ ...this.options, region: settings.region, agents });
    try {
      const own = await this.hostAccount.of(sts);
      if (own !== undefined && settings.roleArn.split(':')[4] === own) {
        const message = `settings.roleArn is a role of this service's own AWS account (${own}): name a role of your account`;
        return [{ field: 'settings.roleArn', message }];
      }
      await refuseWithoutExternalIdCondition(sts, settings.roleArn, roleSessionName('check', context?.siteNumber));
      return [];
    } catch (error) {
      if (!(error instanceof AssumeRoleFailure)) throw error;
      return [
        { field: 'settings.roleArn', message: problems.trustPolicyWithoutExternalId(settings.roleArn, settings.externalId ?? '').message },
      ];
    } finally {
      sts.destroy();
      agents.http.destroy();
      agents.https.destroy();
    }
  }

  open(setup: ConnectorSetup<KinesisSettings>): ConnectorInstance {
    const { settings } = setup;
    const agents = createKinesisAgents();
    const { credentials, role } = setUpCredentials(setup, this.options, agents, this.assumeFailures);
    const sender = new PutRecordsSender({
      region: settings.region,
      credentials,
      endpoint: this.options.endpoint,
      streamArn: settings.streamArn,
      agents,
      connectTimeoutMs: this.options.connectTimeoutMs,
      requestTimeoutMs: this.options.requestTimeoutMs,
    });
    return new KinesisInstance({
      setup,
      createClient: () => createKinesisClient(settings, credentials, this.options, agents),
      sender,
      role,
      options: this.options,
      controlPlane: this.controlPlane,
    });
  }
}
