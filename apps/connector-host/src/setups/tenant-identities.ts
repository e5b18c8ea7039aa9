import { Injectable } from '@nestjs/common';
import type { IssuedValue } from '@event-connectors/connector-sdk';
import { SiteIdentitiesRepository } from '../store/repositories/site-identities.repository.js';

/** What the host issues a site, by kind of issued value. */
export type IssuedValues = Readonly<Record<IssuedValue, string>>;

/**
 * What the host issues each site (tenant), for set-ups to carry: kept in memory once read, since it never changes
 * (each instance sharing the store reads the same stored value).
 */
@Injectable()
export class TenantIdentities {
  private readonly known = new Map<number, IssuedValues>();

  constructor(private readonly identities: SiteIdentitiesRepository) {}

  async issuedTo(siteNumber: number): Promise<IssuedValues> {
    let values = this.known.get(siteNumber);
    if (!values) {
      values = { tenantExternalId: await this.identities.externalIdOf(siteNumber) };
      this.known.set(siteNumber, values);
    }
    return values;
  }
}
