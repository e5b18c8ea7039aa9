import { createHash, timingSafeEqual } from 'node:crypto';

export type Scope = 'admin' | 'ingest';

/** A configured bearer token: only its SHA-256 is kept in memory; optionally limited to one site. */
export interface AccessToken {
  scope: Scope;
  hash: Buffer;
  siteNumber?: number;
}

/** Who is calling: the scope of their token and, for a site-limited token, that site. */
export interface Principal {
  scope: Scope | 'unauthenticated-loopback';
  siteNumber?: number;
}

const ENTRY = /^(?:sha256:(?<hash>[0-9a-f]{64})|(?<token>[\x21-\x3f\x41-\x7e]{16,512}))(?:@(?<site>[1-9][0-9]{0,9}))?$/;

/**
 * Parses ADMIN_TOKENS / INGEST_TOKENS: comma-separated entries `<token>` or `sha256:<hex of the token's SHA-256>`
 * (so configuration need not hold tokens in clear), each optionally `@<siteNumber>` to limit it to one site.
 */
export function parseTokens(raw: string | undefined, scope: Scope, problems: string[]): AccessToken[] {
  const tokens: AccessToken[] = [];
  for (const [index, entry] of (raw ?? '').split(',').map((part) => part.trim()).filter(Boolean).entries()) {
    const match = ENTRY.exec(entry);
    if (!match?.groups) {
      // Never echo the entry: it is a credential.
      problems.push(`${scope.toUpperCase()}_TOKENS entry ${index + 1} must be a token of 16 to 512 visible characters (no "@") or sha256:<64 hex>, optionally @<siteNumber>`);
      continue;
    }
    const { hash, token, site } = match.groups;
    tokens.push({
      scope,
      hash: hash ? Buffer.from(hash, 'hex') : sha256(token!),
      siteNumber: site ? Number(site) : undefined,
    });
  }
  return tokens;
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Finds the token a bearer credential matches. Compares hashes in constant time and looks at every
 * configured token whatever matched earlier, so timing reveals neither a token nor which one matched.
 */
export function matchToken(presented: string, tokens: readonly AccessToken[]): AccessToken | undefined {
  const hash = sha256(presented);
  let found: AccessToken | undefined;
  for (const token of tokens) {
    if (timingSafeEqual(hash, token.hash) && found === undefined) found = token;
  }
  return found;
}
