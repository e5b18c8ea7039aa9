import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHostApp } from './create-host-app.js';
import { openApiDocument } from './api/openapi/openapi-document.js';

// npm run lint:openapi: writes the API document /docs/json serves (every connector loaded, embedded defaults) to the
// file given, for Redocly to lint and client generators to read. Builds the host without starting it: no port, no loops.
async function main(target: string | undefined): Promise<void> {
  if (!target) throw new Error('usage: export-openapi <file.json>');
  const dataDir = mkdtempSync(join(tmpdir(), 'openapi-export-'));
  try {
    const { app } = await createHostApp({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: undefined, LOG_LEVEL: 'error' });
    writeFileSync(target, `${JSON.stringify(openApiDocument(app), null, 2)}\n`);
    await app.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
