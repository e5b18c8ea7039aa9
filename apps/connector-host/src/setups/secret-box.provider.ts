import { join } from 'node:path';
import { Logger, type Provider } from '@nestjs/common';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { SecretBox } from '../secrets/secret-box.js';

export const SECRET_BOX = Symbol('SECRET_BOX');

/** The box that seals secret settings, keyed from SECRETS_KEY or, in development, a key file beside the data. */
export const secretBoxProvider: Provider = {
  provide: SECRET_BOX,
  inject: [HOST_CONFIG],
  useFactory: (config: HostConfig): SecretBox => {
    if (config.production && !config.secretsKey) {
      throw new Error('APP_ENV=production needs SECRETS_KEY (base64 of 32 random bytes) to encrypt connector secrets');
    }
    const keyFile = join(config.dataDir, 'secrets.key');
    const { box, createdKeyFile } = SecretBox.fromConfig(config.secretsKey, keyFile, config.previousSecretsKeys);
    if (createdKeyFile) {
      new Logger('Secrets').warn(`No SECRETS_KEY configured: created ${keyFile} (mode 0600); configure SECRETS_KEY in production`);
    }
    return box;
  },
};
