// The only door into the SDK: connectors and the host import from here.
export * from './event-connector.js';
export { Connector } from './registry/connector.decorator.js';
export { ConnectorRegistry } from './registry/connector.registry.js';
export { ConnectorSdkModule } from './registry/connector-sdk.module.js';
export * from './message/activation-message.js';
export * from './message/routing-event.js';
export * from './message/binding.js';
export * from './message/build-messages.js';
export * from './message/call-type-of.js';
export * from './settings/field-error.js';
export * from './settings/validate-settings.js';
export * from './settings/settings-schema.js';
export * from './settings/secret-fields.js';
export * from './settings/settings-field.decorator.js';
export * from './settings/only-when.decorator.js';
export * from './message/message-size.js';
export * from './settings/issued-values.js';
export { defineConnectorModule, type ConnectorModuleDefinition, type ConnectorModuleParts } from './registry/define-connector-module.js';
