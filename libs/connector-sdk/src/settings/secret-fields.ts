import type { EventConnector } from '../event-connector.js';
import { secretFieldsOf } from './settings-field.decorator.js';

/** Splits settings into what may be shown and what must stay secret. */
export function splitSecrets(
  connector: EventConnector,
  settings: object,
): { visible: Record<string, unknown>; secrets: Record<string, unknown> } {
  const secretNames = new Set<string>(secretFieldsOf(connector.settingsClass));
  const visible: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    (secretNames.has(name) ? secrets : visible)[name] = value;
  }
  return { visible, secrets };
}

/** What an API may show of the secrets: `<name>Set: true` for each one that is stored. */
export function secretPresence(connector: EventConnector, secrets: Record<string, unknown>): Record<string, boolean> {
  const presence: Record<string, boolean> = {};
  for (const name of secretFieldsOf(connector.settingsClass)) presence[`${name}Set`] = secrets[name] !== undefined && secrets[name] !== '';
  return presence;
}
