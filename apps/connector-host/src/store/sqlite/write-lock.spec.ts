import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { WriteLock } from './write-lock.js';

describe('WriteLock', () => {
  it('runs work at once when free, and releases it after (also when the work throws)', async () => {
    const lock = new WriteLock();
    expect(await lock.whenFree(() => 1)).toBe(1);
    await expect(
      lock.whenFree(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await lock.whenFree(() => 2)).toBe(2);
  });

  it('makes a writer wait, without blocking its event loop, while another thread holds the lock', async () => {
    const lock = new WriteLock();
    // A real second thread holds the lock for 200 ms (Atomics.wait sleeps it), as delivery's thread would.
    const holder = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const cell = new Int32Array(workerData);
       Atomics.compareExchange(cell, 0, 0, 1);
       parentPort.postMessage('held');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
       Atomics.store(cell, 0, 0); Atomics.notify(cell, 0);`,
      { eval: true, workerData: lock.buffer },
    );
    await new Promise((resolve) => holder.once('message', resolve));
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 10);
    const order: string[] = [];
    const written = lock.whenFree(() => order.push('written'));
    order.push('waiting');
    await written;
    clearInterval(ticking);
    await holder.terminate();
    expect(order).toEqual(['waiting', 'written']);
    expect(ticks).toBeGreaterThan(5); // the event loop kept turning while the writer waited
  });

  it('is free again after reset (the other thread died holding it)', async () => {
    const lock = new WriteLock();
    new Int32Array(lock.buffer)[0] = 1;
    lock.reset();
    expect(await lock.whenFree(() => 'ok')).toBe('ok');
  });
});
