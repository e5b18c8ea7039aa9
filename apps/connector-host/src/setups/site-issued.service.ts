import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/domain-errors.js';
import type { SiteIssuedView } from './site-issued.js';
import { TenantIdentities } from './tenant-identities.js';

@Injectable()
export class SiteIssuedService {
  constructor(private readonly identities: TenantIdentities) {}

  /** `site`: a site-limited caller, who sees its own site only (another's is "not found"). */
  async get(siteNumber: number, site?: number): Promise<SiteIssuedView> {
    if (site !== undefined && site !== siteNumber) throw new NotFoundError(`Site ${siteNumber} was not found`);
    const values = await this.identities.issuedTo(siteNumber);
    return { siteNumber, externalId: values.tenantExternalId };
  }
}
