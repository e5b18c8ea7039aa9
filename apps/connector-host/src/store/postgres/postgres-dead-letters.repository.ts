import { type DeadLetterRow, DeadLettersRepository, type DeadLetterSelection } from '../repositories/dead-letters.repository.js';
import type { PostgresDatabase } from './postgres-database.js';

/** Dead letters on PostgreSQL. */
export class PostgresDeadLettersRepository extends DeadLettersRepository {
  constructor(database: PostgresDatabase) {
    super(database);
  }

  /** Read committed takes a snapshot per statement: repeatable read takes one for both. */
  page(connectorId: string, afterId: number, limit: number): Promise<{ rows: DeadLetterRow[]; total: number }> {
    return this.database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => ({
        rows: await this.pageQuery(trx, connectorId, afterId, limit).execute(),
        total: Number((await this.countQuery(trx, connectorId).executeTakeFirst())?.n ?? 0),
      }));
  }

  async deleteBatch(selection: DeadLetterSelection, limit: number): Promise<number> {
    const result = await this.deleteQuery(this.database.db, selection, limit).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
