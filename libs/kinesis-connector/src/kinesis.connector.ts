import { Inject, Injectable } from '@nestjs/common';
import { Connector, type ConnectorInstance, type ConnectorSetup, type EventConnector } from '@event-connectors/connector-sdk';
import { RESOLVED_KINESIS_OPTIONS } from './kinesis-connector.module-definition.js';
import type { ResolvedKinesisOptions } from './kinesis-connector.options.js';
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

  constructor(@Inject(RESOLVED_KINESIS_OPTIONS) private readonly options: ResolvedKinesisOptions) {}

  open(setup: ConnectorSetup<KinesisSettings>): ConnectorInstance {
    const { settings } = setup;
    const agents = createKinesisAgents();
    const { credentials, role } = setUpCredentials(setup.id, settings, this.options, agents);
    const sender = new PutRecordsSender({
      region: settings.region,
      credentials,
      endpoint: this.options.endpoint,
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
