import { Inject, Injectable } from '@nestjs/common';
import {
  credentialFieldsOf,
  type EventConnector,
  issuedFieldsOf,
  secretFieldsOf,
  settingsFieldsOf,
  splitSecrets,
  validateSettings,
  withIssuedValues,
} from '@event-connectors/connector-sdk';
import { InvalidInputError } from '../common/domain-errors.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { ConnectorRow } from '../store/repositories/connectors.repository.js';
import { SECRET_BOX } from './secret-box.provider.js';
import { TenantIdentities } from './tenant-identities.js';

/**
 * A stored set-up's form in clear (its settings and opened secrets), as its connector declares it today: a field a
 * connector no longer declares is left out (retired by a newer version), and so is a value of an issued field kept
 * among the secrets (typed by the tenant before the host issued it): only the host's issued value counts.
 */
export function storedForm(row: ConnectorRow, connector: EventConnector, secretBox: SecretBox): Record<string, unknown> {
  const declared = new Set(settingsFieldsOf(connector.settingsClass).map((field) => field.name));
  const secrets = secretBox.open(row.secrets, row.id);
  for (const { name } of issuedFieldsOf(connector.settingsClass)) delete secrets[name];
  const form = { ...(JSON.parse(row.settings) as Record<string, unknown>), ...secrets };
  return Object.fromEntries(Object.entries(form).filter(([name]) => declared.has(name)));
}

/** A set-up's settings on their way in: the tenant's form, over what is stored, with the host's issued values. */
@Injectable()
export class SetupSettings {
  constructor(
    @Inject(SECRET_BOX) private readonly secretBox: SecretBox,
    private readonly identities: TenantIdentities,
  ) {}

  /**
   * The tenant's form (for a change: over the stored form, so omitted fields, secrets above all, keep their values)
   * with the values the host issues the site in place, checked by the connector's class, then by its deployment
   * rules (`vetSettings`). A declared setting given as null is left out, so a PATCH can clear an optional one (e.g. a
   * secret being rotated out); an unknown one stays, for the class to refuse; an issued one is refused.
   */
  async validated(connector: EventConnector, raw: unknown, siteNumber: number, stored?: ConnectorRow): Promise<object> {
    const isForm = raw !== null && typeof raw === 'object' && !Array.isArray(raw);
    if (isForm) this.refuseIssued(connector, raw as Record<string, unknown>);
    let given = raw;
    if (isForm) {
      const declared = new Set(settingsFieldsOf(connector.settingsClass).map((field) => field.name));
      const form = stored ? this.merged(connector, stored, raw as Record<string, unknown>) : (raw as Record<string, unknown>);
      const kept = Object.fromEntries(Object.entries(form).filter(([key, value]) => value !== null || !declared.has(key)));
      given = withIssuedValues(connector, kept, await this.identities.issuedTo(siteNumber));
    }
    const validation = validateSettings(connector, given);
    if (!validation.ok) throw new InvalidInputError(validation.errors);
    const refused = (await connector.vetSettings?.(validation.settings, { siteNumber })) ?? [];
    if (refused.length > 0) throw new InvalidInputError(refused);
    return validation.settings;
  }

  /** What the row stores: the visible settings (issued values among them: they are no secrets) and the sealed secrets. */
  toRow(connector: EventConnector, settings: object, id: string): Pick<ConnectorRow, 'settings' | 'secrets'> {
    const { visible, secrets } = splitSecrets(connector, settings);
    return { settings: JSON.stringify(visible), secrets: this.secretBox.seal(secrets, id) };
  }

  private merged(connector: EventConnector, row: ConnectorRow, patch: Record<string, unknown>): Record<string, unknown> {
    const stored = storedForm(row, connector, this.secretBox);
    requireSecretsWithNewCredentials(connector, stored, patch);
    return { ...stored, ...patch };
  }

  private refuseIssued(connector: EventConnector, form: Record<string, unknown>): void {
    const sent = issuedFieldsOf(connector.settingsClass).filter(({ name }) => form[name] !== undefined && form[name] !== null);
    if (sent.length === 0) return;
    throw new InvalidInputError(
      sent.map(({ name }) => ({
        field: `settings.${name}`,
        message: `settings.${name} is issued by this service for your site (GET /v1/sites/{siteNumber}/issued shows it): leave it out`,
      })),
    );
  }
}

/** A new access key id (or other credential field) must come with its stored secrets again, never reuse them. */
function requireSecretsWithNewCredentials(
  connector: EventConnector,
  stored: Record<string, unknown>,
  patch: Record<string, unknown>,
): void {
  const changed = credentialFieldsOf(connector.settingsClass).filter((field) => field in patch && patch[field] !== stored[field]);
  if (changed.length === 0) return;
  const missing = secretFieldsOf(connector.settingsClass).filter((field) => stored[field] !== undefined && !(field in patch));
  if (missing.length > 0) {
    throw new InvalidInputError(
      missing.map((field) => ({
        field: `settings.${field}`,
        message: `settings.${field} must be given again when ${changed.join(', ')} changes`,
      })),
    );
  }
}
