import { Logger } from '@nestjs/common';
import { createHostApp } from './create-host-app.js';
import { boundHeapGrowth } from './lifecycle/heap-growth.js';

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

async function main(): Promise<void> {
  boundHeapGrowth();
  const { app, config } = await createHostApp(process.env);
  app.enableShutdownHooks();
  const logger = new Logger('Host');
  let host = config.host;
  if (config.adminTokens.length === 0 && config.ingestTokens.length === 0) {
    // No tokens: no access control, so nobody but this machine may reach the host.
    if (!isLoopback(host)) logger.warn(`HOST=${host} ignored: with no ADMIN_TOKENS or INGEST_TOKENS the host listens on loopback only`);
    host = isLoopback(host) ? host : '127.0.0.1';
    logger.warn('Access control is off (no ADMIN_TOKENS or INGEST_TOKENS configured): listening on loopback only');
  }
  await app.listen(config.port, host);
  logger.log(`Connector host listening on http://${host}:${config.port} (store ${config.databasePath}; API docs at /docs)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
