import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConnectorInstancesService } from '../apps/connector-host/src/setups/connector-instances.service.js';
import { OutboxStore } from '../apps/connector-host/src/store/outbox/outbox-store.js';
import { audienceBinding, fakeConnector, profileEvent } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

// A platform holds thousands of set-ups that are quiet most of the time: a quiet connector must cost no store
// query, no timer firing and no open client, and still deliver at once when its next event comes.

let host: TestHost;
beforeAll(async () => {
  host = await TestHost.withFake({ env: { DELIVERY_IDLE_POLL_MS: '20' } });
});
afterAll(async () => {
  await host?.stop(true);
});

describe('idle connectors', () => {
  it('do not read the store or hold a client while they have nothing to send, and deliver when woken', async () => {
    const sourceIds: string[] = [];
    for (const name of ['quiet-1', 'quiet-2', 'quiet-3']) {
      const connector = (await host.request('POST', '/v1/connectors', fakeConnector(name))).body;
      expect(connector.check.ok).toBe(true);
      sourceIds.push((await host.request('POST', '/v1/bindings', audienceBinding(connector.id))).body.source.id);
    }
    const instances = host.app.get(ConnectorInstancesService, { strict: false });
    // Checked on save with an instance opened for the check and closed after it.
    expect(instances.openCount()).toBe(0);
    const reads = vi.spyOn(host.app.get(OutboxStore, { strict: false }), 'head');
    await new Promise((resolve) => setTimeout(resolve, 300)); // fifteen idle polls' worth
    expect(reads).not.toHaveBeenCalled();

    await host.request('POST', '/v1/events', { events: [profileEvent(sourceIds[1])] });
    await eventually('the message', async () => (host.destinations.get('quiet-2').received.length === 1 ? true : undefined));
    expect(instances.openCount()).toBe(1);
    expect(host.destinations.get('quiet-1').received).toHaveLength(0);
    reads.mockRestore();
  });

  it('close an instance that sat unused, and open it again for the next batch', async () => {
    const instances = host.app.get(ConnectorInstancesService, { strict: false });
    const connector = (await host.request('POST', '/v1/connectors', fakeConnector('reopened'))).body;
    const sourceId = (await host.request('POST', '/v1/bindings', audienceBinding(connector.id))).body.source.id;
    await host.request('POST', '/v1/events', { events: [profileEvent(sourceId)] });
    await eventually('the first message', async () => (host.destinations.get('reopened').received.length === 1 ? true : undefined));
    expect(instances.openCount()).toBeGreaterThan(0);
    await instances.closeIdle(Date.now() + 1);
    expect(instances.openCount()).toBe(0);
    await host.request('POST', '/v1/events', {
      events: [profileEvent(sourceId, { profile: { profileId: 'second', partnerIds: { '33': ['1'] } } })],
    });
    await eventually('the second message', async () => (host.destinations.get('reopened').received.length === 2 ? true : undefined));
    expect(instances.openCount()).toBe(1);
  });
});
