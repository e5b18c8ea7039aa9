import { ConnectorRegistry, ConnectorSdkModule } from '@event-connectors/connector-sdk';
import { FakeConnectorModule, FakeDestinations } from '@event-connectors/connector-sdk/testing';
import { Test } from '@nestjs/testing';

/** The registry a host builds at boot, with the SDK's fake connector (type `fake`) loaded: for specs of host services. */
export async function fakeConnectorRegistry(destinations = new FakeDestinations()): Promise<ConnectorRegistry> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConnectorSdkModule, FakeConnectorModule.forRoot({ destinations })],
  }).compile();
  await moduleRef.init();
  return moduleRef.get(ConnectorRegistry);
}
