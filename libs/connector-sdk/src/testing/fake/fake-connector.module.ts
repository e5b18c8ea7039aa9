import { defineConnectorModule } from '../../registry/define-connector-module.js';
import { FAKE_CONNECTOR_OPTIONS, type FakeConnectorOptions } from './fake-connector.options.js';
import { FakeConnector } from './fake.connector.js';

const { ConnectorModule } = defineConnectorModule<FakeConnectorOptions>({
  connector: FakeConnector,
  resolvedOptions: FAKE_CONNECTOR_OPTIONS,
});

/** `FakeConnectorModule.forRoot({ destinations })`: the `fake` connector type, for host tests. */
export class FakeConnectorModule extends ConnectorModule {}
