import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A sealed value as stored: key id, IV, auth tag and ciphertext, base64. */
interface Sealed {
  v: 1;
  kid: string;
  iv: string;
  tag: string;
  ct: string;
}

/**
 * Encrypts secret settings at rest with AES-256-GCM: a fresh 12-byte IV per seal, the auth tag checked on
 * open, and the owner's id as associated data, so a sealed value copied to another row does not open.
 */
export class SecretBox {
  private readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
    // A short fingerprint of the key, stored with each value, so a later key rotation knows what to re-seal.
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 12);
  }

  /** The key from base64 configuration, else from (or newly written to) a 0600 key file. */
  static fromConfig(base64Key: string | undefined, keyFile: string): { box: SecretBox; createdKeyFile: boolean } {
    if (base64Key) return { box: new SecretBox(Buffer.from(base64Key, 'base64')), createdKeyFile: false };
    if (existsSync(keyFile)) return { box: new SecretBox(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')), createdKeyFile: false };
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    chmodSync(keyFile, 0o600);
    return { box: SecretBox.fromConfig(undefined, keyFile).box, createdKeyFile: true };
  }

  seal(plain: Record<string, unknown>, ownerId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(ownerId, 'utf8'));
    const ct = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
    const sealed: Sealed = { v: 1, kid: this.keyId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ct: ct.toString('base64') };
    return JSON.stringify(sealed);
  }

  open(sealedText: string, ownerId: string): Record<string, unknown> {
    const sealed = JSON.parse(sealedText) as Sealed;
    if (sealed.kid !== this.keyId) throw new Error(`secret sealed under key ${sealed.kid}, the host has key ${this.keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(ownerId, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as Record<string, unknown>;
  }
}
