import { type DatabaseConnection, type Driver, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from 'kysely';

/**
 * Kysely's SQLite dialect without its asynchronous transactions. Such a transaction stays open across turns of the
 * event loop, and the synchronous writers that share the connection (intake's group commit, settlements) would run
 * inside it, as savepoints, and be rolled back with it: a request already answered 202 would lose its messages.
 * Atomic work on SQLite goes through `SqliteDatabase.transaction`, which is synchronous and so cannot interleave.
 */
export class SqliteDialectWithoutAsyncTransactions extends SqliteDialect {
  constructor(private readonly options: SqliteDialectConfig) {
    super(options);
  }

  override createDriver(): Driver {
    return new SqliteDriverWithoutAsyncTransactions(this.options);
  }
}

class SqliteDriverWithoutAsyncTransactions extends SqliteDriver {
  override beginTransaction(_connection: DatabaseConnection): Promise<void> {
    return Promise.reject(
      new Error('asynchronous transactions are refused on SQLite: run atomic work in SqliteDatabase.transaction (synchronous)'),
    );
  }
}
