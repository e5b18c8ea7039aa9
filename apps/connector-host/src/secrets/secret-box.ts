import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A sealed value as stored: key id, IV, auth tag and ciphertext, base64. */
interface Sealed {
  v: 1;
  kid: string;
  iv: string;
  tag: string;
  ct: string;
}

/** GCM's recommended IV and its full authentication tag, in bytes. */
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A key's id: a short fingerprint, stored with each value so rotation knows what to re-seal. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

function decodeKey(base64: string, what: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${what} must be the base64 of 32 bytes`);
  return key;
}

/**
 * Encrypts secret settings at rest with AES-256-GCM: a fresh 12-byte IV per seal, the auth tag checked on
 * open, and the owner's id as associated data, so a sealed value copied to another row does not open.
 * Seals with the current key; opens with the current key or any previous one (rotation).
 */
export class SecretBox {
  readonly keyId: string;
  private readonly keys: Map<string, Buffer>;

  constructor(
    private readonly current: Buffer,
    previous: readonly Buffer[] = [],
  ) {
    if (current.length !== 32) throw new Error('SecretBox needs a 32-byte key');
    this.keyId = keyIdOf(current);
    this.keys = new Map([...previous.map((key) => [keyIdOf(key), key] as const), [this.keyId, current]]);
  }

  /**
   * The keys from configuration (SECRETS_KEY, SECRETS_PREVIOUS_KEYS), else from a 0600 key file beside the
   * data (created on first use) and the key it replaced, if a rotation left one.
   */
  static fromConfig(
    base64Key: string | undefined,
    keyFile: string,
    previousBase64: readonly string[] = [],
  ): { box: SecretBox; createdKeyFile: boolean } {
    const previous = previousBase64.map((key) => decodeKey(key, 'SECRETS_PREVIOUS_KEYS entries'));
    if (base64Key) return { box: new SecretBox(decodeKey(base64Key, 'SECRETS_KEY'), previous), createdKeyFile: false };
    let createdKeyFile = false;
    if (!existsSync(keyFile)) {
      SecretBox.writeKeyFile(keyFile, randomBytes(32));
      createdKeyFile = true;
    }
    const previousFile = `${keyFile}.previous`;
    if (existsSync(previousFile)) previous.push(decodeKey(readFileSync(previousFile, 'utf8'), previousFile));
    return { box: new SecretBox(decodeKey(readFileSync(keyFile, 'utf8'), keyFile), previous), createdKeyFile };
  }

  /** Development rotation: the key file gets a new key and the old one moves to `<file>.previous`. */
  static rotateKeyFile(keyFile: string): void {
    renameSync(keyFile, `${keyFile}.previous`);
    SecretBox.writeKeyFile(keyFile, randomBytes(32));
  }

  private static writeKeyFile(keyFile: string, key: Buffer): void {
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, key.toString('base64'), { mode: 0o600, flag: 'wx' });
    chmodSync(keyFile, 0o600);
  }

  /**
   * A key for another purpose (e.g. signing console sessions), derived from each key (HKDF-SHA256, the purpose as
   * info): the current key's first, then the previous ones', so what was signed before a rotation still verifies.
   * Never the sealing key itself.
   */
  derivedKeys(purpose: string): Uint8Array[] {
    const current = this.keys.get(this.keyId)!;
    const others = [...this.keys.values()].filter((key) => key !== current);
    return [current, ...others].map((key) => new Uint8Array(hkdfSync('sha256', key, Buffer.alloc(0), purpose, 32)));
  }

  seal(plain: Record<string, unknown>, ownerId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(ownerId, 'utf8'));
    const ct = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
    const sealed: Sealed = {
      v: 1,
      kid: this.keyId,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ct: ct.toString('base64'),
    };
    return JSON.stringify(sealed);
  }

  open(sealedText: string, ownerId: string): Record<string, unknown> {
    const sealed = JSON.parse(sealedText) as Sealed;
    const key = this.keys.get(sealed.kid);
    if (!key)
      throw new Error(`secret sealed under key ${sealed.kid}, which the host does not hold (it has ${[...this.keys.keys()].join(', ')})`);
    const iv = Buffer.from(sealed.iv, 'base64');
    const tag = Buffer.from(sealed.tag, 'base64');
    // The full 16-byte tag only: GCM would otherwise check a truncated one (down to 4 bytes), which a forger can guess.
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
      throw new Error('sealed secret with an IV or authentication tag of the wrong length');
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(ownerId, 'utf8'));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as Record<string, unknown>;
  }

  /** Whether a sealed value is under an older key. */
  isStale(sealedText: string): boolean {
    return (JSON.parse(sealedText) as Sealed).kid !== this.keyId;
  }
}
