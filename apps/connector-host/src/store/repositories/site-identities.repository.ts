import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database.service.js';

/**
 * What the host issues each site (tenant) and which site holds which exclusive value. Both are written once and
 * read often, by every instance sharing the store: a site's external ID is created on first need and never changes.
 */
@Injectable()
export class SiteIdentitiesRepository {
  constructor(private readonly database: DatabaseService) {}

  /** The site's external ID, issued now if it has none (instances racing to issue it agree on the first one stored). */
  async externalIdOf(siteNumber: number): Promise<string> {
    const read = () =>
      this.database.db.selectFrom('site_identities').select('external_id').where('site_number', '=', siteNumber).executeTakeFirst();
    const found = await read();
    if (found) return found.external_id;
    // 160 random bits: unguessable, and the site number in front only helps a person tell them apart.
    const externalId = `ec-${siteNumber}-${randomBytes(20).toString('hex')}`;
    await this.database.db
      .insertInto('site_identities')
      .values({ site_number: siteNumber, external_id: externalId, created_at: Date.now() })
      .onConflict((conflict) => conflict.column('site_number').doNothing())
      .execute();
    return (await read())!.external_id;
  }

  /** Claims `valueKey` for `siteNumber`; answers the site that holds it (another site's: the claim was refused). */
  async claim(connectorType: string, field: string, valueKey: string, siteNumber: number): Promise<number> {
    await this.database.db
      .insertInto('site_claims')
      .values({ connector_type: connectorType, field, value_key: valueKey, site_number: siteNumber })
      .onConflict((conflict) => conflict.columns(['connector_type', 'field', 'value_key']).doNothing())
      .execute();
    const holder = await this.database.db
      .selectFrom('site_claims')
      .select('site_number')
      .where('connector_type', '=', connectorType)
      .where('field', '=', field)
      .where('value_key', '=', valueKey)
      .executeTakeFirstOrThrow();
    return Number(holder.site_number);
  }

  /** Gives up a site's claim (its last set-up using the value changed or went). */
  async release(connectorType: string, field: string, valueKey: string, siteNumber: number): Promise<void> {
    await this.database.db
      .deleteFrom('site_claims')
      .where('connector_type', '=', connectorType)
      .where('field', '=', field)
      .where('value_key', '=', valueKey)
      .where('site_number', '=', siteNumber)
      .execute();
  }
}
