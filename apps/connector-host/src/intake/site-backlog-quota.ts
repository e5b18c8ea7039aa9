import { Inject, Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { LimitExceededError, RetryLaterError } from '../common/domain-errors.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { errorMessage } from '../common/error-message.js';
import { ConnectorsRepository } from '../store/repositories/connectors.repository.js';
import { OutboxStore } from '../store/outbox/outbox-store.js';
import { RoutingVersion } from '../store/repositories/routing-version.js';
import type { ConnectorShare } from './event-router.js';
import { GroupCommit } from './group-commit.js';

/** At most this many sites' connector lists are kept (least recently used go first): others are read again. */
const SITES_KEPT = 10_000;
/** A backstop: a list is read again after this long even if routing saw no change. */
const KNOWN_FOR_MS = 60_000;

/** A site's backlog: its connectors' pending messages and stored bytes, with what is not committed yet. */
export interface SiteBacklog {
  messages: number;
  bytes: number;
}

/** The connectors of each site a request routes to: what `check` sums. */
export type SiteConnectors = ReadonlyMap<number, ReadonlySet<string>>;

interface KnownList {
  /** The routing version it was read under: a binding or connector change since makes it stale. */
  version: number;
  ids: Promise<string[]>;
}

/**
 * SITE_MAX_BACKLOG and SITE_MAX_BACKLOG_BYTES: what one tenant's undelivered messages may take of the store,
 * whichever connectors hold them. A site's connector list is read once per routing change (a connector only gets
 * messages through a binding, and every binding change moves the routing version), shared by the requests that
 * wait for it; the sums come from the outbox's in-memory counts and the group commit's uncommitted messages. A
 * request that would pass either quota is refused whole (429, nothing stored); one that could never fit, 413.
 * Other sites never see it. `connectorsOf` may wait on the store; `check` does not, so a caller that submits in the
 * same turn leaves no gap for another request to pass the same room.
 */
@Injectable()
export class SiteBacklogQuota {
  private readonly logger = new Logger(SiteBacklogQuota.name);
  private readonly known = new LRUCache<number, KnownList>({ max: SITES_KEPT, ttl: KNOWN_FOR_MS });

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly outbox: OutboxStore,
    private readonly commits: GroupCommit,
    private readonly connectors: ConnectorsRepository,
    private readonly routing: RoutingVersion,
  ) {}

  /** The connectors of every site `adding` routes to (as last read, with those it names). */
  async connectorsOf(adding: ReadonlyMap<string, ConnectorShare>): Promise<SiteConnectors> {
    const bySite = new Map<number, Set<string>>();
    for (const [connectorId, share] of adding) {
      let ids = bySite.get(share.siteNumber);
      if (!ids) bySite.set(share.siteNumber, (ids = new Set()));
      ids.add(connectorId);
    }
    await Promise.all(
      [...bySite].map(async ([siteNumber, ids]) => {
        for (const id of await this.listOf(siteNumber)) ids.add(id);
      }),
    );
    return bySite;
  }

  /** Refuses a request whose messages would take a site past its quota: 429 (LimitExceededError), 413 if never. */
  check(adding: ReadonlyMap<string, ConnectorShare>, connectors: SiteConnectors): void {
    const added = new Map<number, SiteBacklog & { largest: { connectorId: string; messages: number } }>();
    for (const [connectorId, share] of adding) {
      const site = added.get(share.siteNumber);
      if (!site) {
        added.set(share.siteNumber, { messages: share.messages, bytes: share.bytes, largest: { connectorId, messages: share.messages } });
        continue;
      }
      site.messages += share.messages;
      site.bytes += share.bytes;
      if (share.messages > site.largest.messages) site.largest = { connectorId, messages: share.messages };
    }
    const { backlogPerSite, backlogBytesPerSite } = this.config.limits;
    for (const [siteNumber, request] of added) {
      const held = this.backlogOf(connectors.get(siteNumber) ?? []);
      const refuse = (name: string, max: number, holding: number, adding: number, what: string) => {
        const actual = holding + adding;
        // A request larger than the whole quota would be refused however long the platform waited.
        if (adding > max)
          return new LimitExceededError(
            'tooLarge',
            { name, max, actual: adding },
            `This request alone would add ${adding} ${what} to site ${siteNumber}'s backlog, more than ${name}=${max}: nothing was stored; send it in smaller requests`,
            [],
            undefined,
            request.largest.connectorId,
          );
        return new LimitExceededError(
          'busy',
          { name, max, actual },
          `Site ${siteNumber} holds ${held.messages} undelivered messages (${held.bytes} bytes) over its connectors; ` +
            `this request would take its ${what} to ${actual}, past ${name}=${max}: nothing of it was stored. ` +
            'Retry once its destinations caught up (or pause or delete connectors it no longer needs).',
          [],
          30,
          request.largest.connectorId,
        );
      };
      if (held.messages + request.messages > backlogPerSite)
        throw refuse('SITE_MAX_BACKLOG', backlogPerSite, held.messages, request.messages, 'messages');
      if (held.bytes + request.bytes > backlogBytesPerSite)
        throw refuse('SITE_MAX_BACKLOG_BYTES', backlogBytesPerSite, held.bytes, request.bytes, 'bytes');
    }
  }

  /** The backlog these connectors hold, with what is queued for or inside a group commit. */
  backlogOf(connectorIds: Iterable<string>): SiteBacklog {
    const backlog: SiteBacklog = { messages: 0, bytes: 0 };
    for (const id of connectorIds) {
      const uncommitted = this.commits.uncommittedFor(id);
      backlog.messages += this.outbox.pendingCount(id) + uncommitted.messages;
      backlog.bytes += this.outbox.pendingBytes(id) + uncommitted.bytes;
    }
    return backlog;
  }

  /** A site's connector ids, read once per routing version; a store that cannot answer makes intake wait (503). */
  private async listOf(siteNumber: number): Promise<string[]> {
    const version = this.routing.value;
    let entry = this.known.get(siteNumber);
    if (!entry || entry.version !== version) {
      const read: KnownList = { version, ids: this.connectors.idsForSite(siteNumber) };
      this.known.set(siteNumber, (entry = read));
      // A failed read is not kept: the next request reads again.
      read.ids.catch(() => {
        if (this.known.get(siteNumber) === read) this.known.delete(siteNumber);
      });
    }
    try {
      return await entry.ids;
    } catch (error) {
      this.logger.error(`could not read the connectors of site ${siteNumber}: ${errorMessage(error)}`);
      throw new RetryLaterError('unavailable', 'The event store could not be read; nothing was stored', 5);
    }
  }
}
