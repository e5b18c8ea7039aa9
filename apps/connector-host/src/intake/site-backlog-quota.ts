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
import { type QuotaClaim, nearBound } from './quota-claim.js';

/** At most this many sites' connector lists are kept (least recently used go first): others are read again. */
const SITES_KEPT = 10_000;
/** A backstop: a list is read again after this long even if routing saw no change. */
const KNOWN_FOR_MS = 60_000;

/** A site's backlog: its connectors' pending messages and stored bytes, with what is not committed yet. */
export interface SiteBacklog {
  messages: number;
  bytes: number;
}

/** What a request adds to one site, and its connector that takes the most. */
interface SiteRequest extends SiteBacklog {
  largest: { connectorId: string; messages: number };
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

  /**
   * Refuses a request whose messages would take a site past its quota: 429 (LimitExceededError), 413 if never.
   * Returns a claim for each site it brings near its quota, for the store to verify at commit.
   */
  check(adding: ReadonlyMap<string, ConnectorShare>, connectors: SiteConnectors): QuotaClaim[] {
    const added = new Map<number, SiteRequest>();
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
    const claims: QuotaClaim[] = [];
    for (const [siteNumber, request] of added) {
      const ids = [...(connectors.get(siteNumber) ?? [])];
      const held = this.backlogOf(ids);
      const refused = this.refusal(siteNumber, request, held);
      if (refused) throw refused;
      const { backlogPerSite: maxMessages, backlogBytesPerSite: maxBytes } = this.config.limits;
      if (nearBound(held.messages, request.messages, maxMessages) || nearBound(held.bytes, request.bytes, maxBytes))
        claims.push({
          scope: `site:${siteNumber}`,
          connectorIds: ids,
          messages: request.messages,
          bytes: request.bytes,
          maxMessages,
          maxBytes,
          // The store found it over: by its count, which takes the bytes as stored.
          refusal: (stored) => this.refusal(siteNumber, request, stored) ?? this.busy(siteNumber, request, stored, 'bytes'),
        });
    }
    return claims;
  }

  /** The refusal of a request that would take the site past a quota, if it would. */
  private refusal(siteNumber: number, request: SiteRequest, held: SiteBacklog): LimitExceededError | undefined {
    const { backlogPerSite, backlogBytesPerSite } = this.config.limits;
    if (request.messages > backlogPerSite || request.bytes > backlogBytesPerSite) {
      // A request larger than the whole quota would be refused however long the platform waited.
      const [name, max, adding, what] =
        request.messages > backlogPerSite
          ? ['SITE_MAX_BACKLOG', backlogPerSite, request.messages, 'messages']
          : ['SITE_MAX_BACKLOG_BYTES', backlogBytesPerSite, request.bytes, 'bytes'];
      return new LimitExceededError(
        'tooLarge',
        { name, max, actual: adding },
        `This request alone would add ${adding} ${what} to site ${siteNumber}'s backlog, more than ${name}=${max}: nothing was stored; send it in smaller requests`,
        [],
        undefined,
        request.largest.connectorId,
      );
    }
    if (held.messages + request.messages > backlogPerSite) return this.busy(siteNumber, request, held, 'messages');
    if (held.bytes + request.bytes > backlogBytesPerSite) return this.busy(siteNumber, request, held, 'bytes');
    return undefined;
  }

  private busy(siteNumber: number, request: SiteRequest, held: SiteBacklog, what: 'messages' | 'bytes'): LimitExceededError {
    const [name, max] =
      what === 'messages'
        ? ['SITE_MAX_BACKLOG', this.config.limits.backlogPerSite]
        : ['SITE_MAX_BACKLOG_BYTES', this.config.limits.backlogBytesPerSite];
    const actual = held[what] + request[what];
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
