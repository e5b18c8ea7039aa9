import type { DynamicModule } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { type Env, EnvReader } from '../config/env-reader.js';
import type { HostConfig } from '../config/host.config.js';
import type { ConnectorPlugin } from './connector-plugin.js';
import { hostFacts } from './host-facts.js';
import { kinesisPlugin } from './kinesis.plugin.js';
import { pubsubPlugin } from './pubsub.plugin.js';
import { webhookPlugin } from './webhook.plugin.js';

/**
 * The composition root's list of connector libraries, by type id: adding a connector is its library under libs/
 * and one line here. Which ones a deployment loads is configuration (CONNECTORS=kinesis,...; default all).
 * A plugin that is not loaded registers nothing: no provider, no client, no emulator.
 */
export const CONNECTOR_PLUGINS: Readonly<Record<string, ConnectorPlugin<unknown>>> = {
  kinesis: kinesisPlugin,
  pubsub: pubsubPlugin,
  webhook: webhookPlugin,
};

/** The options of each loaded plugin, by type: plain data, read once from the environment on the host's thread. */
export type ConnectorOptions = Readonly<Record<string, unknown>>;

/** Reads the configured plugins' options; an unknown type or a malformed value stops the boot, naming each. */
export function readConnectorOptions(config: HostConfig, environment: Env): ConnectorOptions {
  const wanted = config.connectorTypes.length > 0 ? [...new Set(config.connectorTypes)] : Object.keys(CONNECTOR_PLUGINS);
  const unknown = wanted.filter((type) => !Object.hasOwn(CONNECTOR_PLUGINS, type));
  if (unknown.length > 0) {
    throw new Error(
      `CONNECTORS names unknown connector types: ${unknown.join(', ')} (known: ${Object.keys(CONNECTOR_PLUGINS).join(', ')})`,
    );
  }
  const env = new EnvReader(environment);
  const facts = hostFacts(config);
  const options = Object.fromEntries(wanted.map((type) => [type, CONNECTOR_PLUGINS[type].options(env, facts)]));
  env.throwIfInvalid();
  return options;
}

/** The connector modules for these options (the host's, or those delivery's thread was handed). */
export function connectorModules(options: ConnectorOptions): DynamicModule[] {
  return Object.entries(options).map(([type, own]) => CONNECTOR_PLUGINS[type].module(own));
}

/** The options delivery's thread takes, once the host's modules are up. */
export function threadConnectorOptions(options: ConnectorOptions, modules: ModuleRef): ConnectorOptions {
  return Object.fromEntries(Object.entries(options).map(([type, own]) => [type, CONNECTOR_PLUGINS[type].forThread?.(own, modules) ?? own]));
}
