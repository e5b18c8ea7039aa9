import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database.service.js';

/**
 * When each site last revoked its console sessions (sessions/console-sessions.ts): one row per site that ever did,
 * read by primary key on every request a session makes, on every instance sharing the store (so a revocation holds
 * on all of them at once).
 */
@Injectable()
export class ConsoleRevocationsRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Sessions of the site issued before this time (epoch ms) are revoked; undefined when it never revoked any. */
  async revokedBefore(siteNumber: number): Promise<number | undefined> {
    const row = await this.database.db
      .selectFrom('console_revocations')
      .select('revoked_before')
      .where('site_number', '=', siteNumber)
      .executeTakeFirst();
    return row && Number(row.revoked_before);
  }

  /** Revokes the site's sessions issued before `at`; a later revocation already stored stays. Returns the one in force. */
  async revoke(siteNumber: number, at: number): Promise<number> {
    await this.database.db
      .insertInto('console_revocations')
      .values({ site_number: siteNumber, revoked_before: at })
      .onConflict((conflict) =>
        conflict.column('site_number').doUpdateSet({ revoked_before: at }).where('console_revocations.revoked_before', '<', at),
      )
      .execute();
    return (await this.revokedBefore(siteNumber))!;
  }
}
