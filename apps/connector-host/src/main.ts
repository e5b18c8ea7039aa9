import { rmSync, writeFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { isLoopbackAddress } from './api/auth/loopback-request.js';
import { accessControlOn } from './config/host.config.js';
import { createHostApp } from './create-host-app.js';
import { hostPidFile } from './setups/secret-rotation.service.js';
import { boundHeapGrowth, SEMI_SPACE_FLAG } from './lifecycle/heap-growth.js';

const isLoopback = (host: string) => host === 'localhost' || isLoopbackAddress(host);

async function main(): Promise<void> {
  const heap = boundHeapGrowth();
  const { app, config } = await createHostApp(process.env);
  app.enableShutdownHooks();
  const logger = new Logger('Host');
  if (!heap.mainYoungGenerationBounded)
    logger.warn(`node was started without ${SEMI_SPACE_FLAG}: its young generation may take up to 128 MiB (npm start passes it)`);
  let host = config.host;
  if (!accessControlOn(config)) {
    // No tokens: no access control, so nobody but this machine may reach the host.
    if (!isLoopback(host)) logger.warn(`HOST=${host} ignored: with no ADMIN_TOKENS or INGEST_TOKENS the host listens on loopback only`);
    host = isLoopback(host) ? host : '127.0.0.1';
    logger.warn(
      'Access control is off (no ADMIN_TOKENS, INGEST_TOKENS or METRICS_TOKENS configured): listening on loopback only, for requests that name this machine',
    );
  }
  await app.listen(config.port, host);
  if (!config.databaseUrl) {
    // For `npm run rotate-key`, which must not re-seal the secrets under a key this running host does not hold.
    const pidFile = hostPidFile(config.dataDir);
    writeFileSync(pidFile, String(process.pid), { mode: 0o600 });
    process.once('exit', () => rmSync(pidFile, { force: true }));
  }
  logger.log(`Connector host listening on http://${host}:${config.port} (store ${config.databasePath}; API docs at /docs)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
