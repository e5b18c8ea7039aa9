export { runConnectorContract, type ConnectorContractOptions } from './connector-contract.js';
