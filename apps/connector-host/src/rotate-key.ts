import { join } from 'node:path';
import { readHostConfig } from './config/host.config.js';
import { SecretBox } from './secrets/secret-box.js';
import { refuseIfHostsLackKey, resealAll } from './setups/secret-rotation.service.js';
import { openStore } from './store/open-store.js';

// npm run rotate-key: re-encrypts every stored secret under the current key.
// With SECRETS_KEY: set the new key as SECRETS_KEY and the old one in SECRETS_PREVIOUS_KEYS, run this, then drop the old.
// With the development key file: this makes a new key file, keeps the old one as secrets.key.previous, and re-seals.
async function main(): Promise<void> {
  const config = readHostConfig(process.env);
  const keyFile = join(config.dataDir, 'secrets.key');
  const keys = () => SecretBox.fromConfig(config.secretsKey, keyFile, config.previousSecretsKeys).box;
  const store = await openStore(config);
  const { database } = store;
  const connectors = store.connectors();
  // The key it is about to re-seal under: a running host that does not hold it would lose its secrets.
  const newKeyId = config.secretsKey ? keys().keyId : 'a new development key';
  await refuseIfHostsLackKey(database, newKeyId, { dataDir: config.dataDir, leaseTtlMs: config.cluster.leaseTtlMs });
  if (!config.secretsKey) {
    // First finish any earlier rotation, so the key about to be retired is the only old one in use.
    await resealAll(connectors, keys());
    SecretBox.rotateKeyFile(keyFile);
  }
  const result = await resealAll(connectors, keys());
  await database.onApplicationShutdown();
  console.log(`re-sealed ${result.resealed} of ${result.total} connectors' secrets under key ${result.keyId}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
