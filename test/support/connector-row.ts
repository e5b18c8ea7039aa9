import type { ConnectorRow } from '../../apps/connector-host/src/store/repositories/connectors.repository.js';

/**
 * A connector set-up as the store keeps it, for specs that write one directly: an enabled, unpaused set-up of the
 * fake type with empty settings and the host's delivery policy, changed by `fields`.
 */
export function connectorRow(fields: Partial<ConnectorRow> & Pick<ConnectorRow, 'id'>): ConnectorRow {
  return {
    type: 'fake',
    site_number: 1,
    name: fields.id,
    partner_number: 1,
    settings: '{}',
    secrets: '{}',
    enabled: 1,
    created_at: 0,
    updated_at: 0,
    paused_reason: null,
    paused_at: null,
    delivery_policy: null,
    ...fields,
  };
}
