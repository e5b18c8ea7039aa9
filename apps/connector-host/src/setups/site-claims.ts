import { Injectable } from '@nestjs/common';
import { type EventConnector, exclusiveFieldsOf } from '@event-connectors/connector-sdk';
import { ConflictError } from '../common/domain-errors.js';
import { ConnectorsRepository } from '../store/repositories/connectors.repository.js';
import { SiteIdentitiesRepository } from '../store/repositories/site-identities.repository.js';

/** Compared without case: AWS takes `…:role/Writer` and `…:role/writer` as one role (IAM names are case-insensitive). */
const keyOf = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).toLowerCase();

/**
 * Values one site only may configure (`@SettingsField({ exclusiveToSite })`, e.g. a role ARN): claimed when a set-up
 * naming one passed its check (the destination let it in as this site), refused (409) when another site holds it,
 * given up when the site's last set-up naming it changed or went.
 */
@Injectable()
export class SiteClaims {
  constructor(
    private readonly claims: SiteIdentitiesRepository,
    private readonly connectors: ConnectorsRepository,
  ) {}

  /** Whether `settings` name any value one site only may configure. */
  wanted(connector: EventConnector, settings: object): boolean {
    return exclusiveFieldsOf(connector.settingsClass).some((field) => (settings as Record<string, unknown>)[field] !== undefined);
  }

  async claim(connector: EventConnector, siteNumber: number, settings: object): Promise<void> {
    for (const field of exclusiveFieldsOf(connector.settingsClass)) {
      const value = (settings as Record<string, unknown>)[field];
      if (value === undefined) continue;
      const holder = await this.claims.claim(connector.type, field, keyOf(value), siteNumber);
      if (holder !== siteNumber) {
        throw new ConflictError(
          `settings.${field}: ${keyOf(value)} is configured by another site; it can serve one site only (ask this service's operator if it is yours)`,
        );
      }
    }
  }

  /** Gives up the claims of `settings` that no other set-up of the site (than `except`) still names. */
  async releaseUnused(connector: EventConnector, siteNumber: number, settings: object, except: string): Promise<void> {
    const fields = exclusiveFieldsOf(connector.settingsClass);
    if (fields.length === 0) return;
    const others = (await this.connectors.list({ siteNumber, type: connector.type })).filter((row) => row.id !== except);
    for (const field of fields) {
      const value = (settings as Record<string, unknown>)[field];
      if (value === undefined) continue;
      const stillNamed = others.some((row) => {
        const named = (JSON.parse(row.settings) as Record<string, unknown>)[field];
        return named !== undefined && keyOf(named) === keyOf(value);
      });
      if (!stillNamed) await this.claims.release(connector.type, field, keyOf(value), siteNumber);
    }
  }
}
