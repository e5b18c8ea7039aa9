import { describe, expect, it } from 'vitest';
import { LimitExceededError, RetryLaterError } from '../common/domain-errors.js';
import type { HostConfig } from '../config/host.config.js';
import type { ConnectorsRepository } from '../store/repositories/connectors.repository.js';
import { BacklogCounters } from '../store/outbox/backlog-counters.js';
import type { OutboxStore } from '../store/outbox/outbox-store.js';
import type { ConnectorShare } from './event-router.js';
import type { GroupCommit } from './group-commit.js';
import { RoutingVersion } from '../store/repositories/routing-version.js';
import { SiteBacklogQuota } from './site-backlog-quota.js';

// The quota's arithmetic over in-memory counts; the store's own counting of bytes is tested in outbox.spec.ts and
// the whole path (both engines, a real host) in test/durability.e2e.spec.ts.
function quotaWith(limits: { messages: number; bytes: number }, sites: Record<number, string[]>) {
  const counters = new BacklogCounters();
  const queued = new Map<string, { messages: number; bytes: number }>();
  const reads: number[] = [];
  const outbox = { pendingCount: (id: string) => counters.count(id), pendingBytes: (id: string) => counters.bytes(id) } as OutboxStore;
  const commits = { uncommittedFor: (id: string) => queued.get(id) ?? { messages: 0, bytes: 0 } } as GroupCommit;
  const connectors = {
    idsForSite: async (site: number) => {
      reads.push(site);
      if (site === 99) throw new Error('connection terminated');
      return sites[site] ?? [];
    },
  } as ConnectorsRepository;
  const config = { limits: { backlogPerSite: limits.messages, backlogBytesPerSite: limits.bytes } } as HostConfig;
  const routing = new RoutingVersion();
  const quota = new SiteBacklogQuota(config, outbox, commits, connectors, routing);
  const check = async (adding: Map<string, ConnectorShare>) => quota.check(adding, await quota.connectorsOf(adding));
  return { check, counters, queued, reads, routing };
}

const share = (siteNumber: number, messages: number, bytes: number): ConnectorShare => ({ siteNumber, messages, bytes });

async function refusal(check: Promise<unknown>): Promise<LimitExceededError | undefined> {
  try {
    await check;
    return undefined;
  } catch (error) {
    if (error instanceof LimitExceededError) return error;
    throw error;
  }
}

describe('SiteBacklogQuota', () => {
  it('sums every connector of the site, stored and queued, and names the limit a request would pass', async () => {
    const { check, counters, queued } = quotaWith({ messages: 10, bytes: 1_000_000 }, { 7: ['a', 'b', 'c'] });
    counters.add('a', 4, 400);
    counters.add('c', 3, 300);
    queued.set('b', { messages: 2, bytes: 200 });
    expect(await refusal(check(new Map([['a', share(7, 1, 100)]])))).toBeUndefined();
    const refused = await refusal(check(new Map([['a', share(7, 2, 100)]])));
    expect(refused?.limit).toEqual({ name: 'SITE_MAX_BACKLOG', max: 10, actual: 11 });
    expect(refused?.kind).toBe('busy');
    expect(refused?.retryAfterSeconds).toBe(30);
    expect(refused?.connectorId).toBe('a');
  });

  it('refuses by bytes when the messages fit, and charges each site of a request its own share', async () => {
    const { check, counters } = quotaWith({ messages: 1000, bytes: 5000 }, { 7: ['a'], 8: ['b'] });
    counters.add('a', 2, 4000);
    counters.add('b', 900, 100);
    const refused = await refusal(
      check(
        new Map([
          ['a', share(7, 1, 1500)],
          ['b', share(8, 50, 100)],
        ]),
      ),
    );
    expect(refused?.limit).toEqual({ name: 'SITE_MAX_BACKLOG_BYTES', max: 5000, actual: 5500 });
    expect(refused?.message).toMatch(/^Site 7 holds 2 undelivered messages \(4000 bytes\)/);
    // Site 8 alone is within both.
    expect(await refusal(check(new Map([['b', share(8, 50, 100)]])))).toBeUndefined();
  });

  it("counts a connector the site's list does not know yet once a request routes to it, and reads a list once", async () => {
    const { check, counters, reads, routing } = quotaWith({ messages: 5, bytes: 1_000_000 }, { 7: ['a'] });
    counters.add('new', 5, 500);
    const refused = await refusal(check(new Map([['new', share(7, 1, 10)]])));
    expect(refused?.limit.name).toBe('SITE_MAX_BACKLOG');
    await check(new Map([['a', share(7, 0, 0)]]));
    expect(reads).toEqual([7]);
    // A binding or connector changed: the list is read again.
    routing.bump();
    await check(new Map([['a', share(7, 0, 0)]]));
    expect(reads).toEqual([7, 7]);
  });

  it('answers 413, not 429, to a request that alone is more than the quota (waiting would never let it in)', async () => {
    const { check } = quotaWith({ messages: 5, bytes: 1000 }, { 7: ['a'] });
    expect((await refusal(check(new Map([['a', share(7, 6, 10)]]))))?.kind).toBe('tooLarge');
    expect((await refusal(check(new Map([['a', share(7, 1, 1001)]]))))?.limit).toEqual({
      name: 'SITE_MAX_BACKLOG_BYTES',
      max: 1000,
      actual: 1001,
    });
  });

  it('answers 503 (retry later), not 500, when the store cannot list the connectors, and reads again next time', async () => {
    const { check, reads } = quotaWith({ messages: 5, bytes: 1000 }, {});
    const failing = check(new Map([['a', share(99, 1, 1)]]));
    await expect(failing).rejects.toBeInstanceOf(RetryLaterError);
    await check(new Map([['a', share(98, 1, 1)]]));
    expect(reads).toContain(98);
  });

  it('claims a site only from half its quota, for the store to verify at commit, and refuses by what the store held', async () => {
    const { check, counters } = quotaWith({ messages: 100, bytes: 10_000 }, { 7: ['a', 'b'] });
    counters.add('a', 20, 2000);
    expect(await check(new Map([['a', share(7, 10, 1000)]]))).toEqual([]);
    counters.add('b', 20, 2000);
    const [claim, ...more] = await check(new Map([['a', share(7, 11, 1100)]]));
    expect(more).toEqual([]);
    expect(claim).toMatchObject({
      scope: 'site:7',
      connectorIds: ['a', 'b'],
      messages: 11,
      bytes: 1100,
      maxMessages: 100,
      maxBytes: 10_000,
    });
    // Another instance's commits the counts had not heard of yet: the store's sums are what the refusal tells.
    const refused = claim.refusal({ messages: 95, bytes: 4000 });
    expect(refused.kind).toBe('busy');
    expect(refused.limit).toEqual({ name: 'SITE_MAX_BACKLOG', max: 100, actual: 106 });
    expect(refused.message).toMatch(/^Site 7 holds 95 undelivered messages \(4000 bytes\)/);
    expect(claim.refusal({ messages: 10, bytes: 9000 }).limit).toEqual({ name: 'SITE_MAX_BACKLOG_BYTES', max: 10_000, actual: 10_100 });
  });
});
