import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips a value for the same owner, and the sealed text does not contain it', () => {
    const sealed = box.seal({ secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }, 'connector-1');
    expect(sealed).not.toContain('wJalrXUtnFEMI');
    expect(box.open(sealed, 'connector-1')).toEqual({ secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal({ a: 1 }, 'x')).not.toBe(box.seal({ a: 1 }, 'x'));
  });

  it('refuses a value moved to another owner, or tampered with', () => {
    const sealed = box.seal({ a: 1 }, 'connector-1');
    expect(() => box.open(sealed, 'connector-2')).toThrow();
    const parsed = JSON.parse(sealed);
    parsed.ct = Buffer.from('{"a":2}').toString('base64');
    expect(() => box.open(JSON.stringify(parsed), 'connector-1')).toThrow();
  });

  it('refuses a value sealed under another key', () => {
    expect(() => new SecretBox(randomBytes(32)).open(box.seal({ a: 1 }, 'x'), 'x')).toThrow(/sealed under key/);
  });

  it('creates a 0600 key file once, then reuses it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'secret-box-')), 'nested', 'secret.key');
    const first = SecretBox.fromConfig(undefined, file);
    expect(first.createdKeyFile).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = SecretBox.fromConfig(undefined, file);
    expect(second.createdKeyFile).toBe(false);
    expect(second.box.open(first.box.seal({ a: 1 }, 'x'), 'x')).toEqual({ a: 1 });
  });
});

describe('SecretBox key rotation', () => {
  it('opens values sealed under a previous key, seals under the current one, and says which are stale', () => {
    const oldKey = randomBytes(32);
    const before = new SecretBox(oldKey);
    const sealed = before.seal({ s: 'x' }, 'c1');
    const after = new SecretBox(randomBytes(32), [oldKey]);
    expect(after.isStale(sealed)).toBe(true);
    expect(after.open(sealed, 'c1')).toEqual({ s: 'x' });
    const resealed = after.seal(after.open(sealed, 'c1'), 'c1');
    expect(after.isStale(resealed)).toBe(false);
    expect(() => before.open(resealed, 'c1')).toThrow(/does not hold/);
  });

  it('rotates a development key file, keeping the old key readable as <file>.previous', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'secret-box-')), 'secrets.key');
    const first = SecretBox.fromConfig(undefined, file).box;
    const sealed = first.seal({ s: 'y' }, 'c2');
    SecretBox.rotateKeyFile(file);
    const second = SecretBox.fromConfig(undefined, file).box;
    expect(second.keyId).not.toBe(first.keyId);
    expect(second.open(sealed, 'c2')).toEqual({ s: 'y' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('SecretBox authentication tags', () => {
  it('opens only a value with its full 16-byte tag: a truncated tag (which GCM would check, down to 4 bytes) is refused', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = JSON.parse(box.seal({ s: 'z' }, 'c3')) as { tag: string };
    expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
    for (const bytes of [4, 8, 12, 15]) {
      const truncated = JSON.stringify({ ...sealed, tag: Buffer.from(sealed.tag, 'base64').subarray(0, bytes).toString('base64') });
      expect(() => box.open(truncated, 'c3'), `${bytes}-byte tag`).toThrow(/wrong length/);
    }
    expect(box.open(JSON.stringify(sealed), 'c3')).toEqual({ s: 'z' });
  });
});
