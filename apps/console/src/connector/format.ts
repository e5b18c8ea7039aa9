/** A count as people read it (1,234). */
export const count = (value: number) => value.toLocaleString('en');

/** "1 dead letter", "2 dead letters". */
export const counted = (value: number, one: string, many = `${one}s`) => `${count(value)} ${value === 1 ? one : many}`;

/** A time of the host's (ISO 8601) in the reader's own time zone, to the second. */
export function timeOf(iso: string): string {
  return new Date(iso).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'medium' });
}

// The host's keys (failure categories, skip reasons, statuses) in words; a key this console does not know yet (a
// newer host's) is still shown, spelled out from its name.
const WORDS: Record<string, string> = {
  invalid_credentials: 'Invalid credentials',
  access_denied: 'Access denied',
  not_found: 'Destination not found',
  throttled: 'Throttled',
  too_large: 'Too large',
  other: 'Other',
  connector_disabled: 'Connector paused',
  no_partner_ids: 'No partner ids',
  unmapped_change: 'Change not mapped',
  other_site: 'Another site',
  other_source: 'Another source',
  pending: 'Pending',
  delivered: 'Delivered',
  dead_lettered: 'Dead-lettered',
  retry: 'Failed, tried again',
};

export function wordsOf(key: string): string {
  const spelled = key.replace(/_/g, ' ');
  return WORDS[key] ?? spelled.charAt(0).toUpperCase() + spelled.slice(1);
}
