import { describe, expect, it } from 'vitest';
import { CallSlots } from './call-slots.js';

describe('CallSlots', () => {
  it('grants up to its size at once, then first come, first served', async () => {
    const slots = new CallSlots(2);
    await slots.acquire();
    await slots.acquire();
    expect(slots.inUse).toBe(2);
    const order: string[] = [];
    const a = slots.acquire().then(() => order.push('a'));
    const b = slots.acquire().then(() => order.push('b'));
    expect(slots.queued).toBe(2);
    slots.release();
    await a;
    expect(order).toEqual(['a']);
    slots.release();
    await b;
    expect(order).toEqual(['a', 'b']);
    expect(slots.inUse).toBe(2);
    slots.release();
    slots.release();
    expect(slots.inUse).toBe(0);
  });

  it('keeps the order across thousands of waiters (the queue compacts itself)', async () => {
    const slots = new CallSlots(1);
    await slots.acquire();
    const granted: number[] = [];
    const waits = Array.from({ length: 5000 }, (_, index) => slots.acquire().then(() => granted.push(index)));
    for (let index = 0; index < 5000; index++) {
      slots.release();
      await waits[index];
    }
    expect(granted).toEqual(Array.from({ length: 5000 }, (_, index) => index));
    expect(slots.queued).toBe(0);
  });
});
