export { runConnectorContract, type ConnectorContractOptions, type ContractSetup } from './connector-contract.js';
export { DOCUMENTED_EXAMPLE } from './documented-example.js';
