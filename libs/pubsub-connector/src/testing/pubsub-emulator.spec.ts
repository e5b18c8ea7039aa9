import { connect } from 'node:net';
import { skipUnless } from '@event-connectors/connector-sdk/testing';
import { describe, expect, it } from 'vitest';
import { PubSubEmulator } from './pubsub-emulator.js';

const MISSING = '/nonexistent/cloud-pubsub-emulator';

/** What connecting to a port comes to: `connected`, or the error's code. */
const connects = (host: string, port: number) =>
  new Promise<string>((resolve) => {
    const socket = connect(port, host, () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });

/** Whether a process group still has a member. */
const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('PubSubEmulator', () => {
  it('tells a machine without the emulator, and refuses to start a binary that is not there, saying why', async () => {
    expect(PubSubEmulator.available(MISSING)).toBe(false);
    await expect(PubSubEmulator.start({ binary: MISSING })).rejects.toThrow(/did not start on 127\.0\.0\.1:\d+[^]*ENOENT/);
  });

  describe('the real one', skipUnless(PubSubEmulator.available(), 'Pub/Sub emulator absent'), () => {
    it('answers once started, and stopping it leaves nothing of its process group, its port closed', async () => {
      const emulator = await PubSubEmulator.start();
      await emulator.createTopic('emulator-check', 'stopped-topic');
      const pid = emulator.pid!;
      expect(groupAlive(pid)).toBe(true);
      await emulator.stop();
      expect(groupAlive(pid)).toBe(false);
      const [host, port] = emulator.endpoint.split(':');
      await expect(connects(host, Number(port))).resolves.toBe('ECONNREFUSED');
      await emulator.stop(); // a second stop is harmless
    }, 90_000);
  });
});
