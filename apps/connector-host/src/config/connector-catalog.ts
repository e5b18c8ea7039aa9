import type { Type } from '@nestjs/common';
import { KinesisConnectorModule } from '@event-connectors/kinesis-connector';

/**
 * The connector modules this host can load, by type id. Adding a connector is one line here and one
 * library under libs/; which ones a deployment loads is configuration (CONNECTORS=kinesis,...).
 * A module that is not loaded registers nothing: no provider, no client, no emulator.
 */
export const CONNECTOR_CATALOG: Readonly<Record<string, Type>> = {
  kinesis: KinesisConnectorModule,
};

/** Resolves the configured types to their modules; an unknown type stops the boot with the known ones listed. */
export function loadConnectorModules(types: readonly string[]): Type[] {
  const wanted = types.length > 0 ? [...new Set(types)] : Object.keys(CONNECTOR_CATALOG);
  const unknown = wanted.filter((type) => !Object.hasOwn(CONNECTOR_CATALOG, type));
  if (unknown.length > 0) {
    throw new Error(`CONNECTORS names unknown connector types: ${unknown.join(', ')} (known: ${Object.keys(CONNECTOR_CATALOG).join(', ')})`);
  }
  return wanted.map((type) => CONNECTOR_CATALOG[type]);
}
