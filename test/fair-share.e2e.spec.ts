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
