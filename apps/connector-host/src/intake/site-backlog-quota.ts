import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { LimitExceededError } from '../common/domain-errors.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { ConnectorsRepository } from '../store/connectors.repository.js';
import { OutboxStore } from '../store/outbox/outbox-store.js';
import type { ConnectorShare } from './event-router.js';
import { GroupCommit } from './group-commit.js';

/**
 * How long a site's list of connectors is taken as known. A connector created meanwhile is still counted as soon
 * as a request routes to it (the request names it); one created and filled by other requests within this time
 * is counted once the list is read again.
 */
const KNOWN_FOR_MS = 5000;

/** At most this many sites' lists are kept (least recently used go first): others are read again when needed. */
const SITES_KEPT = 10_000;

/** A site's backlog: its connectors' pending messages and stored bytes, with what waits for the next commit. */
export interface SiteBacklog {
  messages: number;
  bytes: number;
}

/**
 * SITE_MAX_BACKLOG and SITE_MAX_BACKLOG_BYTES: what one tenant's undelivered messages may take of the store,
 * whichever connectors hold them. Checked before a request is built, from in-memory counts (no store read on the
 * hot path but a site's connector list every few seconds); a request that would pass either is refused whole
 * (429, nothing stored), as a connector past MAX_BACKLOG_PER_CONNECTOR is. Other sites never see it.
 */
@Injectable()
export class SiteBacklogQuota {
  private readonly known = new LRUCache<number, string[]>({ max: SITES_KEPT, ttl: KNOWN_FOR_MS });

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly outbox: OutboxStore,
    private readonly commits: GroupCommit,
    private readonly connectors: ConnectorsRepository,
  ) {}

  /** Refuses (LimitExceededError, 429) a request whose messages would take a site past its quota. */
  async check(adding: ReadonlyMap<string, ConnectorShare>): Promise<void> {
    const bySite = new Map<number, { messages: number; bytes: number; largest?: { connectorId: string; messages: number } }>();
    for (const [connectorId, share] of adding) {
      let site = bySite.get(share.siteNumber);
      if (!site) bySite.set(share.siteNumber, (site = { messages: 0, bytes: 0 }));
      site.messages += share.messages;
      site.bytes += share.bytes;
      if (!site.largest || share.messages > site.largest.messages) site.largest = { connectorId, messages: share.messages };
    }
    const { backlogPerSite, backlogBytesPerSite } = this.config.limits;
    for (const [siteNumber, added] of bySite) {
      const held = this.backlogOf(await this.connectorIds(siteNumber, adding));
      const refuse = (name: string, max: number, actual: number, what: string) =>
        new LimitExceededError(
          'busy',
          { name, max, actual },
          `Site ${siteNumber} holds ${held.messages} undelivered messages (${held.bytes} bytes) over its connectors; ` +
            `this request would take its ${what} to ${actual}, past ${name}=${max}: nothing of it was stored. ` +
            'Retry once its destinations caught up (or pause or delete connectors it no longer needs).',
          [],
          30,
          added.largest?.connectorId,
        );
      if (held.messages + added.messages > backlogPerSite)
        throw refuse('SITE_MAX_BACKLOG', backlogPerSite, held.messages + added.messages, 'messages');
      if (held.bytes + added.bytes > backlogBytesPerSite)
        throw refuse('SITE_MAX_BACKLOG_BYTES', backlogBytesPerSite, held.bytes + added.bytes, 'bytes');
    }
  }

  /** The backlog these connectors hold, with what waits in the group commit's queue. */
  backlogOf(connectorIds: Iterable<string>): SiteBacklog {
    const backlog: SiteBacklog = { messages: 0, bytes: 0 };
    for (const id of connectorIds) {
      backlog.messages += this.outbox.pendingCount(id) + this.commits.queuedFor(id);
      backlog.bytes += this.outbox.pendingBytes(id) + this.commits.queuedBytesFor(id);
    }
    return backlog;
  }

  /** The site's connectors as last read (within KNOWN_FOR_MS), with those this request routes to. */
  private async connectorIds(siteNumber: number, adding: ReadonlyMap<string, ConnectorShare>): Promise<Set<string>> {
    let known = this.known.get(siteNumber);
    if (!known) this.known.set(siteNumber, (known = await this.connectors.idsForSite(siteNumber)));
    const ids = new Set(known);
    for (const [connectorId, share] of adding) if (share.siteNumber === siteNumber) ids.add(connectorId);
    return ids;
  }
}
