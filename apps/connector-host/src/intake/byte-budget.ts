import type { LimitReached } from '../common/limit-reached.js';

/**
 * Bytes held at once, host-wide and per client: a reservation is taken before the memory is used and returned after.
 * A client may hold at most its share, so one client filling the budget still leaves room for the others.
 */
export class ByteBudget {
  private used = 0;
  private readonly byClient = new Map<string, number>();

  constructor(
    /** The setting that sets `total`, for refusals. */
    private readonly name: string,
    readonly total: number,
    readonly perClient: number,
  ) {}

  get inUse(): number {
    return this.used;
  }

  /** Reserves `bytes` for `client`; answers the bound that refuses it (nothing reserved then), or undefined. */
  reserve(client: string, bytes: number): { limit: LimitReached; scope: 'client' | 'host' } | undefined {
    const held = this.byClient.get(client) ?? 0;
    if (held + bytes > this.perClient) return { scope: 'client', limit: { name: this.name, max: this.perClient, actual: held + bytes } };
    if (this.used + bytes > this.total) return { scope: 'host', limit: { name: this.name, max: this.total, actual: this.used + bytes } };
    this.used += bytes;
    this.byClient.set(client, held + bytes);
    return undefined;
  }

  release(client: string, bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
    const left = (this.byClient.get(client) ?? 0) - bytes;
    if (left > 0) this.byClient.set(client, left);
    else this.byClient.delete(client);
  }
}
