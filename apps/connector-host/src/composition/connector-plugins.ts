import type { DynamicModule } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { type Env, EnvReader } from '../config/env-reader.js';
import type { HostConfig } from '../config/host.config.js';
import { kinesisPlugin, kinesisThreadEnv } from './kinesis.plugin.js';
import { webhookPlugin } from './webhook.plugin.js';

/** A connector library as this host loads it: its Nest module, configured from the environment. */
export type ConnectorPlugin = (env: EnvReader, host: HostConfig) => DynamicModule;

/**
 * The composition root's list of connector libraries, by type id: adding a connector is its library under libs/
 * and one line here. Which ones a deployment loads is configuration (CONNECTORS=kinesis,...; default all).
 * A plugin that is not loaded registers nothing: no provider, no client, no emulator.
 */
export const CONNECTOR_PLUGINS: Readonly<Record<string, ConnectorPlugin>> = {
  kinesis: kinesisPlugin,
  webhook: webhookPlugin,
};

/** The configured connector modules; an unknown type or a malformed value stops the boot, naming each. */
export function connectorModules(config: HostConfig, environment: Env): DynamicModule[] {
  const wanted = loadedTypes(config);
  const unknown = wanted.filter((type) => !Object.hasOwn(CONNECTOR_PLUGINS, type));
  if (unknown.length > 0) {
    throw new Error(
      `CONNECTORS names unknown connector types: ${unknown.join(', ')} (known: ${Object.keys(CONNECTOR_PLUGINS).join(', ')})`,
    );
  }
  const env = new EnvReader(environment);
  const modules = wanted.map((type) => CONNECTOR_PLUGINS[type](env, config));
  env.throwIfInvalid();
  return modules;
}

/**
 * What a plugin changes in the environment of delivery's thread once the host is up (which builds its own
 * connector modules from it): e.g. the address of an emulator the host started, so the thread uses that one.
 */
export const CONNECTOR_THREAD_ENV: Readonly<Record<string, (modules: ModuleRef) => Record<string, string>>> = {
  kinesis: kinesisThreadEnv,
};

/** The environment changes of every loaded plugin, for delivery's thread. */
export function connectorThreadEnv(config: HostConfig, modules: ModuleRef): Record<string, string> {
  const threadEnv: Record<string, string> = {};
  for (const type of loadedTypes(config)) Object.assign(threadEnv, CONNECTOR_THREAD_ENV[type]?.(modules));
  return threadEnv;
}

/** The plugin types a deployment loads: CONNECTORS=, else all. */
function loadedTypes(config: HostConfig): string[] {
  return config.connectorTypes.length > 0 ? [...new Set(config.connectorTypes)] : Object.keys(CONNECTOR_PLUGINS);
}
