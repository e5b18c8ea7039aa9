import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConnectorRegistry } from './connector.registry.js';

/** Provides the `ConnectorRegistry`; import it once in the host. */
@Module({
  imports: [DiscoveryModule],
  providers: [ConnectorRegistry],
  exports: [ConnectorRegistry],
})
export class ConnectorSdkModule {}
