export { runConnectorContract, type ConnectorContractOptions, type ContractSetup } from './connector-contract.js';
