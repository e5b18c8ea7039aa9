import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolvePubSubOptions } from './pubsub-connector.options.js';
import { PubSubConnector } from './pubsub.connector.js';
import type { PubSubSettings } from './pubsub.settings.js';

// Counts the loads of Google's real libraries (the factory runs once, at the first import; nothing is replaced).
const loads = vi.hoisted(() => ({ pubsub: 0, auth: 0 }));
vi.mock('@google-cloud/pubsub', async (importOriginal) => {
  loads.pubsub++;
  return importOriginal();
});
vi.mock('google-auth-library', async (importOriginal) => {
  loads.auth++;
  return importOriginal();
});

const EMULATOR: PubSubSettings = { projectId: 'lazy-load-test', topicId: 'lazy', emulatorEndpoint: '127.0.0.1:9' };
const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((instance) => instance.close()));
});

describe("Google's client libraries", () => {
  it('are loaded by the first set-up that may publish, once for all, and not by loading the connector or a refused set-up', async () => {
    const refusing = new PubSubConnector(resolvePubSubOptions({ allowEmulator: false })).open({ id: 'refused', settings: EMULATOR });
    closing.push(refusing);
    // A set-up this deployment refuses answers from its settings alone.
    expect((await refusing.check()).ok).toBe(false);
    expect(await refusing.deliver([{ id: '1', partitionKey: 'p', body: '{}' }])).toMatchObject([{ status: 'rejected' }]);
    expect(loads).toEqual({ pubsub: 0, auth: 0 });

    // Nothing listens on the discard port: the checks fail, after the libraries were loaded (once, for both set-ups).
    const allowed = new PubSubConnector(resolvePubSubOptions({ allowEmulator: true, requestTimeoutMs: 200 }));
    const opened = [allowed.open({ id: 'a', settings: EMULATOR }), allowed.open({ id: 'b', settings: EMULATOR })];
    closing.push(...opened);
    const checks = await Promise.all(opened.map((instance) => instance.check()));
    expect(checks.map((check) => check.ok)).toEqual([false, false]);
    expect(loads).toEqual({ pubsub: 1, auth: 1 });
  });
});
