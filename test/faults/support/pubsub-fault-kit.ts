import { PubSubEmulator } from '@event-connectors/pubsub-connector/testing';
import { expect } from 'vitest';
import { freeFixedPort } from '../../support/free-port.js';
import { call, ScratchFolders } from './fault-host.js';
import { HostProcess } from './host-process.js';

// What the Pub/Sub fault scenarios share: Google's emulator started (and stopped) for them, the built host in its own
// process with CONNECTORS=pubsub and quick retries, and a Pub/Sub set-up on the emulator bound to their audience.

export const PUBSUB_PROJECT = 'activation-faults';
export const PUBSUB_SOURCE_ID = '5b0e3f7a-9c1d-4e2f-8a6b-7c8d9e0f1a2b';

export class PubSubFaultKit {
  private readonly scratch = new ScratchFolders();
  private readonly emulators: PubSubEmulator[] = [];

  async startEmulator(port?: number): Promise<PubSubEmulator> {
    const emulator = await PubSubEmulator.start({ port });
    this.emulators.push(emulator);
    return emulator;
  }

  async startHost(env: Record<string, string> = {}): Promise<HostProcess> {
    const host = new HostProcess(await freeFixedPort(), {
      DATA_DIR: this.scratch.dataDir(),
      CONNECTORS: 'pubsub',
      DELIVERY_RETRY_BASE_MS: '50',
      DELIVERY_RETRY_MAX_MS: '2000',
      ...env,
    });
    await host.start();
    return host;
  }

  /** A Pub/Sub connector on the emulator's topic (its check passed), bound to the scenarios' audience. */
  async connectPubSub(host: HostProcess, emulator: PubSubEmulator, topicId: string, siteNumber = 1234): Promise<string> {
    const connector = await call(host, 'POST', '/v1/connectors', {
      type: 'pubsub',
      siteNumber,
      name: 'fault topic',
      partnerNumber: 33,
      settings: { projectId: PUBSUB_PROJECT, topicId, emulatorEndpoint: emulator.endpoint },
    });
    expect(connector.check?.ok).toBe(true);
    await call(host, 'POST', '/v1/bindings', {
      connectorId: connector.id,
      source: { type: 'audience', id: PUBSUB_SOURCE_ID, number: 1, name: 'Fault audience' },
    });
    return connector.id;
  }

  async cleanUp(): Promise<void> {
    await Promise.all(this.emulators.map((emulator) => emulator.stop()));
    this.scratch.removeAll();
  }
}
