import { Module } from '@nestjs/common';
import { ConnectorSdkModule } from '@event-connectors/connector-sdk';
import { SetupsModule } from '../setups/setups.module.js';
import { StoreModule } from '../store/store.module.js';
import { AlertChannel } from './alert-channel.js';
import { AlertRunner } from './alert-runner.js';

/** Alerts to the platform: the host's alert channel, and the runner that decides and sends them. */
@Module({
  imports: [ConnectorSdkModule, StoreModule, SetupsModule],
  providers: [AlertChannel, AlertRunner],
  exports: [AlertRunner],
})
export class AlertsModule {}
