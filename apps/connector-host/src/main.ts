import { Logger } from '@nestjs/common';
import { createHostApp } from './create-host-app.js';

async function main(): Promise<void> {
  const { app, config } = await createHostApp(process.env);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  new Logger('Host').log(`Connector host listening on http://${config.host}:${config.port} (store ${config.databasePath})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
