import { MAX_INT32 } from '../common/schema-parts.js';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InvalidInputError } from '../common/domain-errors.js';
import type { SiteIssuedView } from '../setups/site-issued.js';
import { SiteIssuedService } from '../setups/site-issued.service.js';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import { Answers, Refuses } from './openapi/answers.decorator.js';
import { RateLimited } from './rate-limited.decorator.js';

const SITE_NUMBER = /^[1-9][0-9]{0,9}$/;

@ApiTags('connectors')
@Access('admin')
@RateLimited()
@Controller('v1/sites/:siteNumber')
export class SitesController {
  constructor(private readonly issued: SiteIssuedService) {}

  @Get('issued')
  @Answers(200, 'What this service issues the site', 'SiteIssued')
  @Refuses([400, 404], { 400: 'siteNumber is not a positive integer', 404: "Another site's, for a site-limited token" })
  @ApiOperation({
    summary:
      "What this service issues a site: the external ID a role's trust policy must require (sts:ExternalId) for the site's Kinesis set-ups that assume a role",
  })
  get(@Param('siteNumber') raw: string, @CurrentPrincipal() principal: Principal): Promise<SiteIssuedView> {
    const siteNumber = Number(raw);
    if (!SITE_NUMBER.test(raw) || siteNumber > MAX_INT32)
      throw InvalidInputError.field('siteNumber', `siteNumber must be an integer from 1 to ${MAX_INT32}`);
    return this.issued.get(siteNumber, principal.siteNumber);
  }
}
