import { describe, expect, it } from 'vitest';
import { audienceBinding, fakeConnector, profileEvent } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

// Real time for a busy profile: a profile has one message in flight at a time (per-profile order), so its next one
// must leave as soon as the previous is settled, not after a linger that waits for a batch it cannot fill. The
// linger here is a minute: only a batch that lingers for nothing can be late by it (no timing is asserted).

describe('a busy profile', () => {
  it("sends a profile's next message once its previous one settled, never lingering for messages held behind it", async () => {
    const host = await TestHost.withFake({ env: { DELIVERY_LINGER_MS: '60000', DELIVERY_MAX_LINGER_MS: '60000' } });
    try {
      const connector = (await host.request('POST', '/v1/connectors', fakeConnector('busy'))).body;
      const sourceId = (await host.request('POST', '/v1/bindings', audienceBinding(connector.id))).body.source.id;
      const destination = host.destinations.get('busy');
      destination.latencyMs = 5;
      const post = (profileId: string, count: number) =>
        host.request('POST', '/v1/events', {
          events: Array.from({ length: count }, (_, i) =>
            profileEvent(sourceId, { timestamp: i + 1, profile: { profileId, partnerIds: { '33': [String(i)] } } }),
          ),
        });
      // Two arrivals close together: the connector now counts as busy, so a partial batch may linger a minute.
      expect((await post('warm', 1)).status).toBe(202);
      expect((await post('hot', 5)).status).toBe(202);
      // Each of the first four leaves behind the next of the same profile: none of them lingers.
      const hot = await eventually('four of the hot profile', async () => {
        const received = destination.received.filter((message) => message.partitionKey === 'hot');
        return received.length >= 4 ? received : undefined;
      });
      expect(hot.slice(0, 4).map((message) => JSON.parse(message.body).partnerIds[0])).toEqual(['0', '1', '2', '3']);
      // One message per call: a profile is never twice in a batch.
      expect(destination.calls).toBeGreaterThanOrEqual(4);
    } finally {
      await host.stop(true);
    }
  });
});
