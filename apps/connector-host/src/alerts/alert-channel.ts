import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConnectorRegistry, validateSettings } from '@event-connectors/connector-sdk';
import { HOST_SITE_NUMBER } from '../common/host-site.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { ConnectorChanges } from '../setups/connector-changes.js';
import { SECRET_BOX } from '../setups/secret-box.provider.js';
import { SetupSettings, storedForm } from '../setups/setup-settings.js';
import { type ConnectorRow, ConnectorsRepository } from '../store/repositories/connectors.repository.js';

/** The alert channel's set-up id: the same on every instance and across restarts. */
export const ALERT_CHANNEL_ID = 'a1e47000-0000-4000-8000-000000000000';
const CHANNEL_TYPE = 'webhook';

/**
 * The alert channel: a webhook set-up of the host's own (site 0, which no tenant reaches), made from
 * ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET at boot. Alerts are messages of it, so they go through the same
 * durable delivery as any message: stored first, retried, signed (Standard Webhooks), kept in its history, and
 * delivered by whichever instance holds their partition. Without ALERT_WEBHOOK_URL it is disabled, its backlog kept.
 */
@Injectable()
export class AlertChannel implements OnModuleInit {
  private readonly logger = new Logger(AlertChannel.name);

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly registry: ConnectorRegistry,
    private readonly connectors: ConnectorsRepository,
    private readonly settings: SetupSettings,
    private readonly changes: ConnectorChanges,
    @Inject(SECRET_BOX) private readonly secretBox: SecretBox,
  ) {}

  async onModuleInit(): Promise<void> {
    const stored = await this.connectors.get(ALERT_CHANNEL_ID);
    const { url, secret } = this.config.alerts;
    if (url === undefined || secret === undefined) {
      if (stored?.enabled === 1) await this.save(stored, { enabled: 0 });
      return;
    }
    const connector = this.registry.get(CHANNEL_TYPE);
    if (!connector) throw new Error(`ALERT_WEBHOOK_URL needs the webhook connector: add ${CHANNEL_TYPE} to CONNECTORS`);
    const form = { url, signingSecret: secret };
    const validation = validateSettings(connector, form);
    const refused = validation.ok
      ? ((await connector.vetSettings?.(validation.settings, { siteNumber: HOST_SITE_NUMBER })) ?? [])
      : validation.errors;
    // The messages name the field, never its value: the secret stays out of the log.
    if (refused.length > 0)
      throw new Error(`ALERT_WEBHOOK_URL / ALERT_WEBHOOK_SECRET: ${refused.map((error) => error.message.replace(secret, '…')).join('; ')}`);
    const sealed = this.settings.toRow(connector, validation.ok ? validation.settings : form, ALERT_CHANNEL_ID);
    if (stored === undefined) {
      const now = Date.now();
      const row: ConnectorRow = {
        id: ALERT_CHANNEL_ID,
        type: CHANNEL_TYPE,
        site_number: HOST_SITE_NUMBER,
        name: 'Alerts to the platform',
        partner_number: 0,
        ...sealed,
        enabled: 1,
        created_at: now,
        updated_at: now,
        paused_reason: null,
        paused_at: null,
        delivery_policy: null,
      };
      // Another instance booting at the same time may have inserted it: then it is there, as configured.
      await this.connectors.insert(row).catch(async (error: unknown) => {
        if ((await this.connectors.get(ALERT_CHANNEL_ID)) === undefined) throw error;
      });
      this.changes.changed(ALERT_CHANNEL_ID);
      this.logger.log(`alerts go to ${new URL(url).origin}`);
      return;
    }
    const current = storedForm(stored, connector, this.secretBox);
    // A new endpoint or secret lifts a pause the old one caused; the same one is left as it is (resume it by the API).
    if (current.url !== url || current.signingSecret !== secret)
      await this.save(stored, { ...sealed, enabled: 1, paused_reason: null, paused_at: null });
    else if (stored.enabled !== 1) await this.save(stored, { enabled: 1 });
  }

  private async save(stored: ConnectorRow, changes: Partial<ConnectorRow>): Promise<void> {
    await this.connectors.update(ALERT_CHANNEL_ID, { ...changes, updated_at: Math.max(Date.now(), stored.updated_at + 1) });
    this.changes.changed(ALERT_CHANNEL_ID);
  }
}
