/** Which engine holds the store: the embedded SQLite file (one instance) or a PostgreSQL many instances share. */
export type StoreEngine = 'sqlite' | 'postgres';
