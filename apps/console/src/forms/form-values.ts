/** What a form holds as it is typed: nested like the request body; a map field as its rows, kept in order. */
export type FormValues = Record<string, unknown>;

/** A map field's rows (extra headers): kept as rows while typed so an empty or repeated name loses nothing. */
export type MapRows = [name: string, value: string][];

export function valueAt(values: FormValues, path: readonly string[]): unknown {
  let here: unknown = values;
  for (const key of path) here = here !== null && typeof here === 'object' ? (here as FormValues)[key] : undefined;
  return here;
}

export function withValue(values: FormValues, path: readonly string[], value: unknown): FormValues {
  const [key, ...rest] = path;
  if (rest.length === 0) return { ...values, [key]: value };
  const inner = values[key];
  return { ...values, [key]: withValue(inner !== null && typeof inner === 'object' ? (inner as FormValues) : {}, rest, value) };
}

/** The request body of what was typed: empty fields left out (absent, not ""), a map's rows as an object. */
export function bodyOf(values: FormValues): FormValues {
  const body: FormValues = {};
  for (const [key, value] of Object.entries(values)) {
    const sent = sentValue(value);
    if (sent !== undefined) body[key] = sent;
  }
  return body;
}

function sentValue(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) {
    const rows = (value as MapRows).filter(([name, item]) => name !== '' || item !== '');
    return rows.length === 0 ? undefined : Object.fromEntries(rows);
  }
  if (typeof value === 'object') {
    const inner = bodyOf(value as FormValues);
    return Object.keys(inner).length === 0 ? undefined : inner;
  }
  return value;
}

/** `accessKeys` → `Access keys`: an enum value as a choice's label. */
export function labelOf(value: unknown): string {
  const words = String(value)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
