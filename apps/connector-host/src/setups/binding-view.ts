import type { BindingSource, BindingSpec, ProfileVariableMapping } from '@event-connectors/connector-sdk';
import type { BindingRow } from '../store/repositories/bindings.repository.js';

/** A binding as the API shows it. */
export interface BindingView {
  id: string;
  connectorId: string;
  siteNumber: number;
  source: BindingSource;
  sourceName: string | null;
  profileVariables: ProfileVariableMapping[];
  properties: Record<string, string | number>;
  createdAt: string;
}

export function bindingSource(row: BindingRow): BindingSource {
  return row.source_type === 'audience'
    ? { type: 'audience', id: row.source_id, number: row.source_number ?? 0, name: row.source_label }
    : { type: 'journey', id: row.source_id, name: row.source_label };
}

export function bindingView(row: BindingRow): BindingView {
  return {
    id: row.id,
    connectorId: row.connector_id,
    siteNumber: row.site_number,
    source: bindingSource(row),
    sourceName: row.source_name,
    profileVariables: JSON.parse(row.profile_variables) as ProfileVariableMapping[],
    properties: JSON.parse(row.properties) as Record<string, string | number>,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** What the message builder needs of a stored binding. */
export function bindingSpec(row: BindingRow): BindingSpec {
  return {
    siteNumber: row.site_number,
    source: bindingSource(row),
    sourceName: row.source_name,
    profileVariables: JSON.parse(row.profile_variables) as ProfileVariableMapping[],
    properties: JSON.parse(row.properties) as Record<string, string | number>,
  };
}
