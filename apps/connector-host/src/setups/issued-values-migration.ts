import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConnectorRegistry, issuedFieldsOf, settingsFieldsOf, withIssuedValues } from '@event-connectors/connector-sdk';
import type { SecretBox } from '../secrets/secret-box.js';
import { ConnectorsRepository } from '../store/repositories/connectors.repository.js';
import { ConnectorChanges } from './connector-changes.js';
import { SECRET_BOX } from './secret-box.provider.js';
import { SetupSettings, storedForm } from './setup-settings.js';
import { TenantIdentities } from './tenant-identities.js';

/**
 * Set-ups saved before the host issued a value (an external ID the tenant typed, kept among its secrets) take the
 * host's value, once, at start: the row is rewritten (the tenant's value dropped, the issued one stored) and its
 * instance opens anew with it. Until the tenant's trust policy names the issued value, assuming its role fails, and
 * the check and the pause reason say which value to put there. Every instance runs it; the later ones find nothing.
 */
@Injectable()
export class IssuedValuesMigration implements OnApplicationBootstrap {
  private readonly logger = new Logger(IssuedValuesMigration.name);

  constructor(
    private readonly registry: ConnectorRegistry,
    private readonly connectors: ConnectorsRepository,
    private readonly identities: TenantIdentities,
    private readonly settings: SetupSettings,
    private readonly changes: ConnectorChanges,
    @Inject(SECRET_BOX) private readonly secretBox: SecretBox,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    let migrated = 0;
    for (const type of this.registry.types()) {
      const connector = this.registry.get(type)!;
      if (issuedFieldsOf(connector.settingsClass).length === 0) continue;
      const issued = issuedFieldsOf(connector.settingsClass).map((field) => field.name);
      const declared = new Set(settingsFieldsOf(connector.settingsClass).map((field) => field.name));
      for (const row of await this.connectors.list({ type })) {
        const values = await this.identities.issuedTo(row.site_number);
        const filled = withIssuedValues(connector, storedForm(row, connector, this.secretBox), values);
        const visible = JSON.parse(row.settings) as Record<string, unknown>;
        const secrets = this.secretBox.open(row.secrets, row.id);
        // Only a set-up that lacks the issued value, keeps one among its secrets, or holds a field no longer declared.
        const stale =
          issued.some((name) => name in secrets || visible[name] !== filled[name]) ||
          Object.keys(visible).some((name) => !declared.has(name));
        if (!stale) continue;
        // Only if nobody changed it meanwhile (another instance's migration, a tenant's PATCH): that change stands.
        const changes = { ...this.settings.toRow(connector, filled, row.id), updated_at: Math.max(Date.now(), row.updated_at + 1) };
        if (!(await this.connectors.updateIfUnchanged(row.id, row.updated_at, changes))) continue;
        this.changes.changed(row.id);
        migrated++;
      }
    }
    if (migrated > 0)
      this.logger.warn(
        `${migrated} set-up(s) now carry the values this service issues their sites (an external ID typed before is no longer used)`,
      );
  }
}
