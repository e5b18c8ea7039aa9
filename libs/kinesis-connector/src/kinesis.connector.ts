import { Inject, Injectable } from '@nestjs/common';
import { Connector, type ConnectorInstance, type ConnectorSetup, type EventConnector } from '@event-connectors/connector-sdk';
import { createKinesisClient } from './kinesis.client.js';
import type { KinesisDeploymentConfig } from './kinesis.config.js';
import { KinesisInstance } from './kinesis.instance.js';
import { KinesisSettings } from './kinesis.settings.js';
import { KINESIS_DEPLOYMENT_CONFIG } from './kinesis.tokens.js';

/** The Amazon Kinesis Data Streams connector: one message per record, partition key = profile id. */
@Connector()
@Injectable()
export class KinesisConnector implements EventConnector<KinesisSettings> {
  readonly type = 'kinesis';
  readonly displayName = 'Amazon Kinesis';
  readonly settingsClass = KinesisSettings;

  constructor(@Inject(KINESIS_DEPLOYMENT_CONFIG) private readonly config: KinesisDeploymentConfig) {}

  open(setup: ConnectorSetup<KinesisSettings>): ConnectorInstance {
    return new KinesisInstance(setup, createKinesisClient(setup.settings, this.config), this.config);
  }
}
