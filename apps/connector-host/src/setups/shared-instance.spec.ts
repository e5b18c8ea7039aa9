import type { ConnectorInstance, DeliveryOutcome } from '@event-connectors/connector-sdk';
import { describe, expect, it } from 'vitest';
import { SharedInstance } from './shared-instance.js';

/** An instance whose calls end when the test says (a hand-written stand-in: only the wrapper is under test). */
function heldInstance() {
  const releases: (() => void)[] = [];
  let closed = 0;
  const inner: ConnectorInstance = {
    limits: { maxBatchMessages: 10, maxBatchBytes: 1000 },
    check: async () => ({ ok: true, details: {} }),
    deliver: (messages) =>
      new Promise<DeliveryOutcome[]>((resolve) => releases.push(() => resolve(messages.map(() => ({ status: 'delivered', receipt: {} }))))),
    close: async () => void closed++,
  };
  return { inner, releases, closedCount: () => closed };
}

describe('SharedInstance', () => {
  it('closes at once when no call is in flight, and only once', async () => {
    const held = heldInstance();
    const shared = new SharedInstance(held.inner);
    await shared.close();
    await shared.close();
    expect(held.closedCount()).toBe(1);
  });

  it('retired while calls are in flight, closes when the last one ends, and lets them finish', async () => {
    const held = heldInstance();
    const shared = new SharedInstance(held.inner);
    const first = shared.deliver([{ id: '1', partitionKey: 'a', body: '{}' }]);
    const second = shared.deliver([{ id: '2', partitionKey: 'b', body: '{}' }]);
    await shared.close();
    expect(held.closedCount()).toBe(0);
    held.releases[0]();
    expect((await first)[0].status).toBe('delivered');
    expect(held.closedCount()).toBe(0);
    held.releases[1]();
    expect((await second)[0].status).toBe('delivered');
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.closedCount()).toBe(1);
  });
});
