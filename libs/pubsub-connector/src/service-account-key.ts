import { createPrivateKey } from 'node:crypto';

/**
 * What the connector takes from a service-account key file: who signs, and with what. The file's other fields
 * (`token_uri`, `universe_domain`, …) are never used, so a tenant's file cannot choose where the host sends anything.
 */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: string;
  /** The project the service account belongs to (it may publish to a topic of another project). */
  projectId: string;
}

/** A key file is about 2.3 KB; anything far larger is not one. */
export const MAX_KEY_LENGTH = 16_384;
/** Google Cloud project IDs: 6 to 30 lower-case letters, digits or hyphens, starting with a letter. */
export const PROJECT_ID_PATTERN = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
// name@project.iam.gserviceaccount.com, and the default accounts (…@developer. / …@appspot.gserviceaccount.com).
const CLIENT_EMAIL = /^[a-z0-9][a-z0-9._-]{0,99}@[a-z0-9][a-z0-9.-]{0,200}\.gserviceaccount\.com$/;
const PEM_PRIVATE_KEY = /^-----BEGIN PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PRIVATE KEY-----\r?\n?$/;

/** The key, or what is wrong with the text: never quoting it, since it is a secret. */
export type KeyReading = { key: ServiceAccountKey; problem?: undefined } | { problem: string };

/** Reads the JSON text of a service-account key file, as Google Cloud's console downloads it. */
export function readServiceAccountKey(text: unknown): KeyReading {
  if (typeof text !== 'string' || text.length > MAX_KEY_LENGTH)
    return { problem: `must be the JSON text of a key file, at most ${MAX_KEY_LENGTH} characters` };
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    return { problem: 'is not JSON: paste the whole key file' };
  }
  if (file === null || typeof file !== 'object' || Array.isArray(file))
    return { problem: 'must be a JSON object: paste the whole key file' };
  const { type, project_id: projectId, private_key: privateKey, client_email: clientEmail } = file as Record<string, unknown>;
  if (type !== 'service_account') return { problem: 'must be a service-account key: its "type" must be "service_account"' };
  if (typeof projectId !== 'string' || !PROJECT_ID_PATTERN.test(projectId))
    return { problem: 'must have the project ID of its service account in "project_id"' };
  if (typeof clientEmail !== 'string' || !CLIENT_EMAIL.test(clientEmail))
    return { problem: 'must have a service account e-mail (…@….gserviceaccount.com) in "client_email"' };
  if (typeof privateKey !== 'string' || !PEM_PRIVATE_KEY.test(privateKey) || !isPrivateKey(privateKey))
    return { problem: 'must have a PEM private key (-----BEGIN PRIVATE KEY-----…) in "private_key"' };
  return { key: { clientEmail, privateKey, projectId } };
}

/** Whether Node can load it as a private key: a key that cannot sign would only fail at the first publish. */
function isPrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).type === 'private';
  } catch {
    return false;
  }
}
