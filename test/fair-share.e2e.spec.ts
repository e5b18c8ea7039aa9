import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, fakeConnector, profileEvent } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

// Many customers share one host: a connector with a big backlog must not make the others wait for it. With two
// call slots for the whole host, a hot connector queues behind the others after each call, so a small connector's
// message goes within a few calls, long before the hot backlog is drained (no timing is asserted: only what had
// arrived where, when the small ones were served).

let host: TestHost;
beforeAll(async () => {
  host = await TestHost.withFake({ env: { DELIVERY_MAX_CALLS: '2', DELIVERY_MAX_IN_FLIGHT: '4', DELIVERY_LINGER_MS: '0' } });
});
afterAll(async () => {
  await host?.stop(true);
});

async function connectorWithAudience(name: string): Promise<string> {
  const connector = (await host.request('POST', '/v1/connectors', fakeConnector(name))).body;
  return (await host.request('POST', '/v1/bindings', audienceBinding(connector.id))).body.source.id;
}

describe('fair shares across connectors', () => {
  it("a hot connector's backlog does not hold back the small connectors' messages", async () => {
    const hotSource = await connectorWithAudience('hot');
    const small = ['small-1', 'small-2', 'small-3', 'small-4', 'small-5'];
    const smallSources = await Promise.all(small.map((name) => connectorWithAudience(name)));
    // The hot destination is slow (200 ms a call), the small ones quick: the hot backlog outlasts the posting.
    host.destinations.get('hot').latencyMs = 200;
    for (const name of small) host.destinations.get(name).latencyMs = 20;

    // 10,000 messages for the hot one: at 500 a call and 2 calls at once, at least 10 rounds of 200 ms.
    for (let request = 0; request < 10; request++) {
      const events = Array.from({ length: 1000 }, (_, index) =>
        profileEvent(hotSource, { profile: { profileId: `hot-${request}-${index}`, partnerIds: { '33': ['1'] } } }),
      );
      expect((await host.request('POST', '/v1/events', { events })).status).toBe(202);
    }
    for (const sourceId of smallSources) await host.request('POST', '/v1/events', { events: [profileEvent(sourceId)] });

    await eventually('every small connector served', async () =>
      small.every((name) => host.destinations.get(name).received.length === 1) ? true : undefined,
    );
    const hotReceivedWhenSmallServed = host.destinations.get('hot').received.length;
    expect(hotReceivedWhenSmallServed).toBeLessThan(10_000);

    await eventually('the hot backlog drained', async () => (host.destinations.get('hot').received.length === 10_000 ? true : undefined));
    // And none of the hot messages went twice.
    expect(new Set(host.destinations.get('hot').received.map((message) => message.partitionKey)).size).toBe(10_000);
  });
});

describe('fair shares across sites (tenants)', () => {
  it("a site whose destinations take calls and never answer holds at most its share of the slots: another site's messages still go", async () => {
    // 8 slots for the host, 6 for one site; calls last up to a minute (longer than this test): only the cap frees a slot.
    const env = {
      DELIVERY_MAX_CALLS: '8',
      DELIVERY_MAX_CALLS_PER_SITE: '6',
      DELIVERY_MAX_IN_FLIGHT: '4',
      DELIVERY_CALL_BUDGET_MS: '60000',
    };
    const shared = await TestHost.withFake({ env });
    try {
      const bind = async (name: string, siteNumber: number) => {
        const connector = (await shared.request('POST', '/v1/connectors', fakeConnector(name, { siteNumber }))).body;
        return (await shared.request('POST', '/v1/bindings', audienceBinding(connector.id))).body.source.id as string;
      };
      const stalled = Array.from({ length: 16 }, (_, i) => `stalled-${i}`);
      for (const name of stalled) shared.destinations.get(name).stall();
      const stalledSources = await Promise.all(stalled.map((name) => bind(name, 7)));
      const eightSource = await bind('site-8', 8);
      // Each stalled connector gets four profiles: enough for four calls in flight each, 64 calls wanted in all.
      for (const sourceId of stalledSources) {
        const events = Array.from({ length: 4 }, (_, i) =>
          profileEvent(sourceId, { siteNumber: 7, profile: { profileId: `p${i}`, partnerIds: { '33': ['1'] } } }),
        );
        expect((await shared.request('POST', '/v1/events', { events })).status).toBe(202);
      }
      await eventually('site 7 to hold its six slots with stalled calls', async () => {
        const waiting = stalled.reduce((sum, name) => sum + shared.destinations.get(name).stalledNow, 0);
        return waiting === 6 ? true : undefined;
      });
      expect((await shared.request('POST', '/v1/events', { events: [profileEvent(eightSource, { siteNumber: 8 })] })).status).toBe(202);
      await eventually("site 8's message delivered beside the stalled site", async () =>
        shared.destinations.get('site-8').received.length === 1 ? true : undefined,
      );
      // Site 7 never held more than its share.
      expect(stalled.reduce((sum, name) => sum + shared.destinations.get(name).stalledNow, 0)).toBe(6);
      for (const name of stalled) shared.destinations.get(name).answerAgain();
      await eventually('the stalled site delivered once its destinations answer', async () =>
        stalled.every((name) => shared.destinations.get(name).received.length === 4) ? true : undefined,
      );
    } finally {
      await shared.stop(true);
    }
  });

  it("a connector that ignores its call budget gives the host's slots back soon after it; its messages wait, in order", async () => {
    // Both slots may go to one site: only the budget's hard bound frees one while the deaf calls hang.
    const env = { DELIVERY_MAX_CALLS: '2', DELIVERY_MAX_CALLS_PER_SITE: '2', DELIVERY_MAX_IN_FLIGHT: '4', DELIVERY_CALL_BUDGET_MS: '300' };
    const shared = await TestHost.withFake({ env });
    try {
      const bind = async (name: string, siteNumber: number) => {
        const connector = (await shared.request('POST', '/v1/connectors', fakeConnector(name, { siteNumber }))).body;
        return (await shared.request('POST', '/v1/bindings', audienceBinding(connector.id))).body.source.id as string;
      };
      // Plugins that never look at their signal: their calls hang past any budget. One call each holds both slots.
      const deaf = ['deaf-1', 'deaf-2'].map((name) => shared.destinations.get(name).stall({ ignoringBudget: true }));
      const deafSources = [await bind('deaf-1', 7), await bind('deaf-2', 7)];
      const eightSource = await bind('site-8', 8);
      const hanging = () => deaf.reduce((sum, destination) => sum + destination.stalledNow, 0);
      for (const [n, sourceId] of deafSources.entries()) {
        const events = Array.from({ length: 2 }, (_, i) =>
          profileEvent(sourceId, { siteNumber: 7, profile: { profileId: `d${n}-${i}`, partnerIds: { '33': ['1'] } } }),
        );
        expect((await shared.request('POST', '/v1/events', { events })).status).toBe(202);
      }
      await eventually('both slots taken by hanging calls', async () => (hanging() === 2 ? true : undefined));
      expect((await shared.request('POST', '/v1/events', { events: [profileEvent(eightSource, { siteNumber: 8 })] })).status).toBe(202);
      await eventually("site 8's message delivered while the deaf calls still hang", async () =>
        shared.destinations.get('site-8').received.length === 1 ? true : undefined,
      );
      expect(hanging()).toBe(2);
      expect(deaf.flatMap((destination) => destination.received)).toEqual([]);
      for (const destination of deaf) destination.answerAgain();
      await eventually('the deaf connectors delivered once they answer', async () =>
        deaf.every((destination) => destination.received.length === 2) ? true : undefined,
      );
      // Each profile once: a slot given back never sent its messages again while they were in flight.
      expect(deaf.flatMap((destination) => destination.received.map((message) => message.partitionKey)).sort()).toEqual([
        'd0-0',
        'd0-1',
        'd1-0',
        'd1-1',
      ]);
    } finally {
      await shared.stop(true);
    }
  });

  it('a connector whose calls only time out is stalled (one call at a time, a short budget), then paused, its messages kept', async () => {
    const env = {
      DELIVERY_CALL_BUDGET_MS: '300',
      DELIVERY_STALL_AFTER_TIMEOUTS: '2',
      DELIVERY_STALLED_CALL_BUDGET_MS: '200',
      DELIVERY_STALLED_PAUSE_AFTER_MS: '1500',
      DELIVERY_RETRY_MAX_MS: '50',
    };
    const breaker = await TestHost.withFake({ env });
    try {
      const destination = breaker.destinations.get('silent').stall();
      const connector = (await breaker.request('POST', '/v1/connectors', fakeConnector('silent'))).body;
      const sourceId = (await breaker.request('POST', '/v1/bindings', audienceBinding(connector.id))).body.source.id;
      const events = Array.from({ length: 8 }, (_, i) =>
        profileEvent(sourceId, { profile: { profileId: `p${i}`, partnerIds: { '33': ['1'] } } }),
      );
      expect((await breaker.request('POST', '/v1/events', { events })).status).toBe(202);
      const stalledHealth = await eventually('the connector to show as stalled', async () => {
        const [health] = (await breaker.request('GET', '/health/connectors')).body.connectors;
        return health.status === 'stalled' ? health : undefined;
      });
      expect(stalledHealth.stalledSince).toEqual(expect.any(String));
      expect(stalledHealth.lastError).toMatchObject({ code: 'CallBudgetExceeded' });
      // While stalled, one call at a time (once the calls started before the breaker opened ran out their 300 ms).
      await new Promise((resolve) => setTimeout(resolve, 400));
      for (let probe = 0; probe < 5; probe++) {
        expect(destination.stalledNow).toBeLessThanOrEqual(1);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const metrics = await (await fetch(`${breaker.url}/metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(`connector_host_connector_status\\{[^}]*connector_id="${connector.id}"[^}]*status="stalled"[^}]*\\} 1`),
      );
      const paused = await eventually('the stalled connector to pause', async () => {
        const [health] = (await breaker.request('GET', '/health/connectors')).body.connectors;
        return health.status === 'paused' ? health : undefined;
      });
      expect(paused.pausedReason).toMatch(/^DestinationStalled: no answer within 200 ms/);
      expect(paused.backlog).toBe(8);
      destination.answerAgain();
      expect((await breaker.request('POST', `/v1/connectors/${connector.id}/resume`)).status).toBe(200);
      await eventually('every message delivered after the resume', async () => (destination.received.length === 8 ? true : undefined));
    } finally {
      await breaker.stop(true);
    }
  });
});
