import { describe, expect, it } from 'vitest';
import { PublishSlots } from './publish-slots.js';

describe('PublishSlots', () => {
  it('gives at most `size` slots, then hands each one back to the longest waiting publish', async () => {
    const slots = new PublishSlots(2);
    const open = new AbortController().signal;
    expect([await slots.acquire(open), await slots.acquire(open)]).toEqual([true, true]);
    const order: string[] = [];
    const third = slots.acquire(open).then((got) => order.push(`third ${got}`));
    const fourth = slots.acquire(open).then((got) => order.push(`fourth ${got}`));
    slots.release();
    await third;
    expect(order).toEqual(['third true']);
    slots.release();
    await fourth;
    expect(order).toEqual(['third true', 'fourth true']);
    expect(slots.inUse).toBe(2);
  });

  it('never starts a publish whose call ended while it waited, and keeps the slot for the others', async () => {
    const slots = new PublishSlots(1);
    const open = new AbortController().signal;
    await slots.acquire(open);
    const call = new AbortController();
    const late = slots.acquire(call.signal);
    call.abort();
    expect(await late).toBe(false);
    const next = slots.acquire(open);
    slots.release();
    expect(await next).toBe(true);
    expect(await slots.acquire(AbortSignal.abort())).toBe(false);
    expect(slots.inUse).toBe(1);
  });
});
