import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/domain-errors.js';
import { TenantIdentities } from './tenant-identities.js';

/** What the host issues a site, as the API shows it (for the tenant to put in its role's trust policy). */
export interface SiteIssuedView {
  siteNumber: number;
  /** The external ID a role assumed for this site's set-ups must require (sts:ExternalId). */
  externalId: string;
}

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
