import { createHash } from 'node:crypto';
import type { EnvReader } from './env-reader.js';

/** What a token may do: manage set-ups (admin), post events (ingest), or read the metrics (metrics). */
export type TokenScope = 'admin' | 'ingest' | 'metrics';

/** A configured bearer token: only its SHA-256 is kept in memory; optionally limited to one site. */
export interface AccessToken {
  scope: TokenScope;
  hash: Buffer;
  siteNumber?: number;
}

const ENTRY = /^(?:sha256:(?<hash>[0-9a-f]{64})|(?<token>[\x21-\x3f\x41-\x7e]{16,512}))(?:@(?<site>[1-9][0-9]{0,9}))?$/;

/**
 * Parses ADMIN_TOKENS / INGEST_TOKENS / METRICS_TOKENS: comma-separated entries `<token>` or `sha256:<hex of the token's SHA-256>`
 * (so configuration need not hold tokens in clear), each optionally `@<siteNumber>` to limit it to one site.
 */
export function readTokens(env: EnvReader, key: string, scope: TokenScope): AccessToken[] {
  const tokens: AccessToken[] = [];
  for (const [index, entry] of env.list(key).entries()) {
    const match = ENTRY.exec(entry);
    if (!match?.groups) {
      // Never echo the entry: it is a credential.
      env.refuse(
        `${key} entry ${index + 1} must be a token of 16 to 512 visible characters (no "@") or sha256:<64 hex>, optionally @<siteNumber>`,
      );
      continue;
    }
    const { hash, token, site } = match.groups;
    tokens.push({ scope, hash: hash ? Buffer.from(hash, 'hex') : sha256(token), siteNumber: site ? Number(site) : undefined });
  }
  return tokens;
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
