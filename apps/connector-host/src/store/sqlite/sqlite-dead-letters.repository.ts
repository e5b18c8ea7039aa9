import { type DeadLetterRow, DeadLettersRepository, type DeadLetterSelection } from '../repositories/dead-letters.repository.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Dead letters on SQLite: reads in one synchronous transaction, deletes when delivery's thread is not writing. */
export class SqliteDeadLettersRepository extends DeadLettersRepository {
  constructor(private readonly sqlite: SqliteDatabase) {
    super(sqlite);
  }

  page(connectorId: string, afterId: number, limit: number): Promise<{ rows: DeadLetterRow[]; total: number }> {
    const { db } = this.sqlite;
    return this.sqlite.transactionNow(() => ({
      rows: this.sqlite.all(this.pageQuery(db, connectorId, afterId, limit)),
      total: Number(this.sqlite.all(this.countQuery(db, connectorId))[0]?.n ?? 0),
    }));
  }

  deleteBatch(selection: DeadLetterSelection, limit: number): Promise<number> {
    const query = this.deleteQuery(this.sqlite.db, selection, limit);
    return this.sqlite.transactionWhenFree(() => this.sqlite.run(query));
  }
}
