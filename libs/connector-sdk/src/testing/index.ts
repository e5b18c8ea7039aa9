export { runConnectorContract, type ConnectorContractOptions, type ContractSetup } from './connector-contract.js';
export { DOCUMENTED_EXAMPLE } from './documented-example.js';
export { FakeConnectorModule } from './fake/fake-connector.module.js';
export type { FakeConnectorOptions } from './fake/fake-connector.options.js';
export { FakeConnector } from './fake/fake.connector.js';
export { FakeDestination, FakeDestinations, type FakeAnswer } from './fake/fake-destination.js';
export { FakeSettings } from './fake/fake.settings.js';
export { skipUnless } from './skip-reason.js';
export { freeLoopbackPort } from './free-loopback-port.js';
