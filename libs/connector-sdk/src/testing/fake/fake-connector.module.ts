import { Module } from '@nestjs/common';
import { FakeConnectorConfigurableModule } from './fake-connector.module-definition.js';
import { FakeConnector } from './fake.connector.js';

/** `FakeConnectorModule.forRoot({ destinations })`: the `fake` connector type, for host tests. */
@Module({ providers: [FakeConnector], exports: [FakeConnector] })
export class FakeConnectorModule extends FakeConnectorConfigurableModule {}
