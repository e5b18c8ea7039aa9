import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

/**
 * The data folder and the database file are the host's alone: they hold every tenant's messages and sealed secrets.
 * The folder is made 0700 and the file 0600 (created so, or narrowed if it exists); SQLite gives its -wal and -shm
 * files the database file's own mode.
 */
export function privateDatabaseFile(path: string, folder: string): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  chmodSync(folder, 0o700);
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}
