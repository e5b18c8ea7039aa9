import type { EventConnector } from '@app/connector-sdk';
import { secretPresence } from '@app/connector-sdk';
import type { ConnectorRow } from '../store/connectors.repository.js';

/** A connector set-up as the API shows it: secrets only as `<name>Set: true`. */
export interface ConnectorView {
  id: string;
  type: string;
  siteNumber: number;
  name: string;
  partnerNumber: number;
  enabled: boolean;
  settings: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export function connectorView(row: ConnectorRow, connector: EventConnector | undefined, secretNames: string[]): ConnectorView {
  const presence = connector
    ? secretPresence(connector, Object.fromEntries(secretNames.map((name) => [name, true])))
    : {};
  return {
    id: row.id,
    type: row.type,
    siteNumber: row.site_number,
    name: row.name,
    partnerNumber: row.partner_number,
    enabled: row.enabled === 1,
    settings: { ...JSON.parse(row.settings), ...presence },
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
