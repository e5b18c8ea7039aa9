import { AssumeRoleFailure } from './assume-role-failure.js';

const WINDOW_MS = 10 * 60_000;
/** Tenants remembered at most (the oldest are forgotten first). */
const MAX_TENANTS = 100_000;

/**
 * Refused AssumeRole calls per tenant (site): past `maxFailures` within ten minutes, the tenant's next assumes are
 * refused here without asking STS, so no tenant can use this service to probe which roles or external IDs another
 * account's trust policies accept, nor spend the host's STS quota. Shared by every set-up of the connector.
 */
export class AssumeFailureLimiter {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(private readonly maxFailures = 10) {}

  /** Throws AssumeRoleRateLimited when `tenant` failed too often lately. */
  refuseIfOver(tenant: string, now = Date.now()): void {
    const entry = this.failures.get(tenant);
    if (!entry || now - entry.since >= WINDOW_MS || entry.count < this.maxFailures) return;
    const waitSeconds = Math.ceil((entry.since + WINDOW_MS - now) / 1000);
    throw new AssumeRoleFailure(
      'AssumeRoleRateLimited',
      'RateLimited',
      `${entry.count} attempts to assume roles for this site were refused by STS in the last ten minutes: no more are made for ${waitSeconds} s`,
    );
  }

  failed(tenant: string, now = Date.now()): void {
    const entry = this.failures.get(tenant);
    if (entry && now - entry.since < WINDOW_MS) {
      entry.count++;
      return;
    }
    if (this.failures.size >= MAX_TENANTS) this.failures.delete(this.failures.keys().next().value!);
    this.failures.set(tenant, { count: 1, since: now });
  }
}
