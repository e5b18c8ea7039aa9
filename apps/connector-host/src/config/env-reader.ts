/** A process environment, or a literal one in tests. */
export type Env = Record<string, string | undefined>;

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Reads configuration values from an environment, one parser per kind of value. A malformed value is noted
 * (never echoed when it may be a credential) and its fallback used, so `throwIfInvalid()` can list every
 * problem at once: an operator fixes a configuration in one go, not one boot at a time.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** A trimmed string; empty counts as absent. */
  string(key: string): string | undefined {
    return this.env[key]?.trim() || undefined;
  }

  int(key: string, fallback: number, min: number, max: number): number {
    const raw = this.string(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  /**
   * A duration: milliseconds, or a number with a unit (`500ms`, `90s`, `10m`, `2h`, `3d`); `min` and `max` in
   * milliseconds.
   */
  duration(key: string, fallback: number, min: number, max: number): number {
    const raw = this.string(key);
    if (raw === undefined) return fallback;
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw);
    const value = match ? Math.round(Number(match[1]) * DURATION_UNITS[match[2] ?? 'ms']) : Number.NaN;
    if (!Number.isFinite(value) || value < min || value > max) {
      this.problems.push(`${key} must be a duration from ${min} ms to ${max} ms, like 500ms, 90s, 10m, 2h or 3d, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  bool(key: string, fallback: boolean): boolean {
    const raw = this.string(key);
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    this.problems.push(`${key} must be true or false, got "${raw}"`);
    return fallback;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(key);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  }

  /** Comma-separated values, trimmed, empty ones dropped. */
  list(key: string): string[] {
    return (this.env[key] ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }

  /** An http(s) URL. */
  url(key: string): string | undefined {
    const raw = this.string(key);
    if (raw !== undefined && !/^https?:\/\/[^\s/]+/.test(raw)) {
      this.problems.push(`${key} must be an http(s) URL, got "${raw}"`);
      return undefined;
    }
    return raw;
  }

  /** A problem that concerns several values together. */
  refuse(problem: string): void {
    this.problems.push(problem);
  }

  throwIfInvalid(): void {
    if (this.problems.length > 0) throw new Error(`Invalid configuration:\n- ${this.problems.join('\n- ')}`);
  }
}
