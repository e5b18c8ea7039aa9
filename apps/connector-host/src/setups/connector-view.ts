import type { EventConnector } from '@event-connectors/connector-sdk';
import { secretPresence } from '@event-connectors/connector-sdk';
import Type, { type Static } from 'typebox';
import { ISO_TIME, mapOf, named, UUID } from '../common/schema-parts.js';
import type { ConnectorRow } from '../store/repositories/connectors.repository.js';
import type { CheckResultSchema } from './check-result.js';
import type { DeliveryPolicyView, DeliveryPolicyViewSchema } from './delivery-policy.js';

/** A connector set-up as the API shows it: secrets only as `<name>Set: true`. */
export const ConnectorViewSchema = Type.Object(
  {
    id: UUID,
    type: Type.String({ examples: ['kinesis'] }),
    siteNumber: Type.Integer(),
    name: Type.String(),
    partnerNumber: Type.Integer(),
    enabled: Type.Boolean(),
    /** Cleared by resume or a successful check. */
    paused: Type.Union([Type.Null(), Type.Object({ reason: Type.String(), at: ISO_TIME }, { additionalProperties: false })], {
      description: 'Set when delivery paused itself after repeated set-up failures',
    }),
    settings: mapOf(Type.Unknown(), { description: "The type's settings; secrets as `<name>Set: true`" }),
    deliveryPolicy: named<typeof DeliveryPolicyViewSchema>('DeliveryPolicy'),
    createdAt: ISO_TIME,
    updatedAt: ISO_TIME,
  },
  { additionalProperties: false, description: 'A connector set-up; secrets appear only as `<name>Set: true`' },
);
export type ConnectorView = Static<typeof ConnectorViewSchema>;

/**
 * A saved set-up with the result of the check run when it was saved. The view's properties again rather than
 * `allOf` the view: its additionalProperties: false would refuse `check` (a closed schema cannot be extended by
 * composition).
 */
export const SavedConnectorSchema = Type.Object(
  { ...ConnectorViewSchema.properties, check: named<typeof CheckResultSchema>('CheckResult') },
  { additionalProperties: false, description: 'The saved set-up with what its check found' },
);
export type SavedConnector = Static<typeof SavedConnectorSchema>;

export function connectorView(
  row: ConnectorRow,
  connector: EventConnector | undefined,
  secretNames: string[],
  deliveryPolicy: DeliveryPolicyView,
): ConnectorView {
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
    deliveryPolicy,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
