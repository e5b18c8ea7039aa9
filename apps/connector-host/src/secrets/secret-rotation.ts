import type SQLite from 'better-sqlite3';
import type { SecretBox } from './secret-box.js';

/** Re-seals every connector's secrets under the current key, in one transaction; returns how many changed. */
export function resealAll(sqlite: SQLite.Database, box: SecretBox): { resealed: number; total: number; keyId: string } {
  const rows = sqlite.prepare('SELECT id, secrets FROM connectors').all() as { id: string; secrets: string }[];
  const update = sqlite.prepare('UPDATE connectors SET secrets = ? WHERE id = ?');
  let resealed = 0;
  sqlite.transaction(() => {
    for (const row of rows) {
      if (!box.isStale(row.secrets)) continue;
      update.run(box.seal(box.open(row.secrets, row.id), row.id), row.id);
      resealed++;
    }
  })();
  return { resealed, total: rows.length, keyId: box.keyId };
}
