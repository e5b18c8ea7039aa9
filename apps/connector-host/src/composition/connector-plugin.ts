import type { DynamicModule } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { EnvReader } from '../config/env-reader.js';
import type { HostFacts } from './host-facts.js';

/**
 * A connector library as this host loads it. The host reads a plugin's options once, on its main thread, from the
 * environment and the facts it hands over (never the host's own configuration); delivery's thread gets those
 * options as plain data (structured clone) and builds the same module from them, reading no environment.
 */
export interface ConnectorPlugin<Options> {
  /** Reads and checks the plugin's settings (refusing through `env` names the variable): plain data only. */
  options(env: EnvReader, host: HostFacts): Options;
  /** The connector's Nest module for these options. */
  module(options: Options): DynamicModule;
  /** The options delivery's thread takes once the host is up (e.g. the address of an emulator the host started). */
  forThread?(options: Options, modules: ModuleRef): Options;
}
