/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

/** How deep redaction looks into a logged object; log objects are shallow, and this bounds the walk. */
const MAX_DEPTH = 8;

/**
 * The logged object with every value under a secret name blanked, at any depth of plain objects and arrays.
 * Returns the same object when it holds no secret name (the common case: nothing is copied). Objects of other
 * classes (a request, an error) are left to pino's serializers, which only keep safe fields of them.
 */
export function redactSecrets<T>(value: T, secretNames: ReadonlySet<string>, depth = 0): T {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || secretNames.size === 0) return value;
  if (Array.isArray(value)) {
    const items = value as unknown[];
    let copy: unknown[] | undefined;
    items.forEach((item, index) => {
      const redacted = redactSecrets(item, secretNames, depth + 1);
      if (redacted !== item) (copy ??= [...items])[index] = redacted;
    });
    return (copy ?? value) as T;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(record)) {
    const redacted = secretNames.has(key) ? REDACTED : redactSecrets(item, secretNames, depth + 1);
    if (redacted !== item) (copy ??= { ...record })[key] = redacted;
  }
  return (copy ?? value) as T;
}
