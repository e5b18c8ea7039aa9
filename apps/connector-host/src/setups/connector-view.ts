import type { EventConnector } from '@event-connectors/connector-sdk';
import { secretPresence } from '@event-connectors/connector-sdk';
import type { ConnectorRow } from '../store/repositories/connectors.repository.js';

/** A connector set-up as the API shows it: secrets only as `<name>Set: true`. */
export interface ConnectorView {
  id: string;
  type: string;
  siteNumber: number;
  name: string;
  partnerNumber: number;
  enabled: boolean;
  /** Set when delivery paused itself after repeated set-up failures; cleared by resume or a successful check. */
  paused: { reason: string; at: string } | null;
  settings: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export function connectorView(row: ConnectorRow, connector: EventConnector | undefined, secretNames: string[]): ConnectorView {
  const presence = connector ? secretPresence(connector, Object.fromEntries(secretNames.map((name) => [name, true]))) : {};
  return {
    id: row.id,
    type: row.type,
    siteNumber: row.site_number,
    name: row.name,
    partnerNumber: row.partner_number,
    enabled: row.enabled === 1,
    paused: row.paused_reason ? { reason: row.paused_reason, at: new Date(row.paused_at ?? 0).toISOString() } : null,
    settings: { ...(JSON.parse(row.settings) as Record<string, unknown>), ...presence },
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
