import { createHmac, randomBytes } from 'node:crypto';

/** A Standard Webhooks signing secret: `whsec_` + base64 of 24 to 64 random bytes. */
export const SIGNING_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;

/** The key bytes of a `whsec_` secret, or undefined when it is not one. */
export function secretKey(secret: string): Buffer | undefined {
  if (!SIGNING_SECRET_PATTERN.test(secret)) return undefined;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return key.length >= MIN_SECRET_BYTES && key.length <= MAX_SECRET_BYTES ? key : undefined;
}

/** A new signing secret (32 random bytes), for a platform to hand to its customer. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The three Standard Webhooks headers of one attempt. */
export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs one attempt per the Standard Webhooks specification: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`
 * under each key, space-separated (the current secret first, then one still being rotated out). Pure.
 */
export function signatureHeaders(id: string, timestampSeconds: number, body: string, keys: readonly Buffer[]): SignatureHeaders {
  const content = `${id}.${timestampSeconds}.${body}`;
  const signatures = keys.map((key) => `v1,${createHmac('sha256', key).update(content, 'utf8').digest('base64')}`);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signatures.join(' ') };
}

/**
 * The `webhook-id` of a message: stable across every attempt and restart (so a receiver can drop a repeat),
 * unique across set-ups and hosts (the set-up's UUID with the message's place in its outbox), and free of the
 * `.` the signed content uses as a delimiter.
 */
export function webhookId(setupId: string, messageId: string): string {
  return `msg_${setupId.replace(/-/g, '')}_${messageId}`;
}
