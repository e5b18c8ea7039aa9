import { Fifo } from './fifo.js';

/** One site's part of the slots: how many it holds, and its loops waiting for one (first come, first served). */
interface SiteSlots {
  inUse: number;
  waiting: Fifo<() => void>;
  /** Whether it is in the round of sites to be served. */
  queued: boolean;
}

/**
 * The host-wide bound on destination calls in flight, shared fairly between sites (tenants) first, then between
 * a site's connectors. A loop asks for a slot only when it is about to send and gives it back when the destination
 * answered, so a connector in back-off or paused holds none. When loops wait, freed slots go to the waiting sites in
 * turn (one each, round robin), and to a site's loops in the order they asked, so a hot connector queues behind the
 * others after each call. No site holds more than `perSite`: calls cannot be taken back once started, and a tenant
 * whose destinations stall keeps its calls until they time out, so the rest of the slots always stay with the others.
 * While a loop waits for a slot its batch keeps filling, which is how batches grow when the host is busy.
 */
export class CallSlots {
  private free: number;
  private readonly sites = new Map<number, SiteSlots>();
  /** Sites with loops waiting and room under their cap, in the order they are served. */
  private readonly round = new Fifo<number>();
  private waiters = 0;

  constructor(
    readonly size: number,
    /** Most slots one site may hold at once. */
    readonly perSite: number = size,
  ) {
    this.free = size;
  }

  /** Calls in flight now. */
  get inUse(): number {
    return this.size - this.free;
  }

  /** Loops waiting for a slot now. */
  get queued(): number {
    return this.waiters;
  }

  /** Calls in flight for one site now. */
  inUseBy(site: number): number {
    return this.sites.get(site)?.inUse ?? 0;
  }

  acquire(site: number): Promise<void> {
    const slots = this.siteSlots(site);
    if (this.free > 0 && slots.inUse < this.perSite && slots.waiting.size === 0) {
      this.take(slots);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      slots.waiting.push(resolve);
      this.waiters++;
      this.enqueue(site, slots);
    });
  }

  release(site: number): void {
    const slots = this.sites.get(site);
    if (!slots || slots.inUse === 0) return;
    slots.inUse--;
    this.free++;
    // Under its cap again: back in the round if it has loops waiting.
    this.enqueue(site, slots);
    this.grant();
    if (slots.inUse === 0 && slots.waiting.size === 0) this.sites.delete(site);
  }

  /** Hands free slots to waiting sites, one per site in turn. */
  private grant(): void {
    while (this.free > 0) {
      const site = this.round.shift();
      if (site === undefined) return;
      const slots = this.sites.get(site);
      if (!slots) continue;
      slots.queued = false;
      if (slots.inUse >= this.perSite) continue;
      const next = slots.waiting.shift();
      if (!next) continue;
      this.waiters--;
      this.take(slots);
      this.enqueue(site, slots);
      next();
    }
  }

  private enqueue(site: number, slots: SiteSlots): void {
    if (slots.queued || slots.waiting.size === 0 || slots.inUse >= this.perSite) return;
    slots.queued = true;
    this.round.push(site);
    // A slot may be free for this site while the others waiting are at their caps.
    if (this.free > 0) queueMicrotask(() => this.grant());
  }

  private take(slots: SiteSlots): void {
    slots.inUse++;
    this.free--;
  }

  private siteSlots(site: number): SiteSlots {
    let slots = this.sites.get(site);
    if (!slots) this.sites.set(site, (slots = { inUse: 0, waiting: new Fifo(), queued: false }));
    return slots;
  }
}
