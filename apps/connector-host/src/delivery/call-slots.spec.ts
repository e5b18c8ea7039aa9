import { describe, expect, it } from 'vitest';
import { CallSlots } from './call-slots.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('CallSlots', () => {
  it('grants up to its size at once, then first come, first served within a site', async () => {
    const slots = new CallSlots(2);
    await slots.acquire(1);
    await slots.acquire(1);
    expect(slots.inUse).toBe(2);
    const order: string[] = [];
    const a = slots.acquire(1).then(() => order.push('a'));
    const b = slots.acquire(1).then(() => order.push('b'));
    expect(slots.queued).toBe(2);
    slots.release(1);
    await a;
    expect(order).toEqual(['a']);
    slots.release(1);
    await b;
    expect(order).toEqual(['a', 'b']);
    expect(slots.inUse).toBe(2);
    slots.release(1);
    slots.release(1);
    expect(slots.inUse).toBe(0);
  });

  it('keeps the order across thousands of waiters (the queues compact themselves)', async () => {
    const slots = new CallSlots(1);
    await slots.acquire(1);
    const granted: number[] = [];
    const waits = Array.from({ length: 5000 }, (_, index) => slots.acquire(1).then(() => granted.push(index)));
    for (let index = 0; index < 5000; index++) {
      slots.release(1);
      await waits[index];
    }
    expect(granted).toEqual(Array.from({ length: 5000 }, (_, index) => index));
    expect(slots.queued).toBe(0);
  });

  it('serves waiting sites in turn: a site with many loops waiting does not go before a site with one', async () => {
    const slots = new CallSlots(1);
    await slots.acquire(7);
    const granted: string[] = [];
    const sevens = Array.from({ length: 5 }, (_, index) => slots.acquire(7).then(() => granted.push(`7.${index}`)));
    const eight = slots.acquire(8).then(() => granted.push('8'));
    for (let round = 0; round < 6; round++) {
      slots.release(granted.at(-1)?.startsWith('8') ? 8 : 7);
      await settle();
    }
    await Promise.all([...sevens, eight]);
    // Site 7 just had its turn (it held the slot): the first slot it frees goes to site 8, then its own loops in order.
    expect(granted).toEqual(['8', '7.0', '7.1', '7.2', '7.3', '7.4']);
  });

  it('never lets one site hold more than its cap, so the others always find a slot', async () => {
    const slots = new CallSlots(4, 3);
    for (let i = 0; i < 3; i++) await slots.acquire(7);
    let fourthOfSeven = false;
    const waiting = slots.acquire(7).then(() => (fourthOfSeven = true));
    await settle();
    expect(fourthOfSeven).toBe(false);
    expect(slots.inUseBy(7)).toBe(3);
    // A free slot, but site 7 is at its cap: site 8 gets it at once.
    await slots.acquire(8);
    expect(slots.inUseBy(8)).toBe(1);
    slots.release(8);
    await settle();
    expect(fourthOfSeven).toBe(false);
    slots.release(7);
    await waiting;
    expect(slots.inUseBy(7)).toBe(3);
  });
});
