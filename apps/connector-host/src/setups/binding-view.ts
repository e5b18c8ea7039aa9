import type { BindingSource, BindingSpec, ProfileVariableMapping } from '@event-connectors/connector-sdk';
import Type, { type Static } from 'typebox';
import { ISO_TIME, mapOf, schemaOf, UUID } from '../common/schema-parts.js';
import type { BindingRow } from '../store/repositories/bindings.repository.js';

const BindingSourceSchema = schemaOf<BindingSource>()(
  Type.Union([
    Type.Object({ type: Type.Literal('audience'), id: UUID, number: Type.Integer(), name: Type.String() }, { additionalProperties: false }),
    Type.Object({ type: Type.Literal('journey'), id: UUID, name: Type.String() }, { additionalProperties: false }),
  ]),
);

/** A binding as the API shows it. */
export const BindingViewSchema = Type.Object(
  {
    id: UUID,
    connectorId: UUID,
    siteNumber: Type.Integer(),
    source: BindingSourceSchema,
    sourceName: Type.Union([Type.String(), Type.Null()]),
    profileVariables: Type.Array(Type.Object({ name: Type.String(), property: Type.String() }, { additionalProperties: false })),
    properties: mapOf(Type.Union([Type.String(), Type.Number()])),
    createdAt: ISO_TIME,
  },
  { additionalProperties: false, description: 'A connector attached to an audience or a journey step' },
);
export type BindingView = Static<typeof BindingViewSchema>;

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
