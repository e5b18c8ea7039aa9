import { afterEach, describe, expect, it } from 'vitest';
import { ArrivalGap, LingerPolicy, lingerLeft } from './linger-policy.js';

const policies: LingerPolicy[] = [];
const policy = (base: number, budget: number) => {
  const created = new LingerPolicy(base, budget, 60_000);
  policies.push(created);
  return created;
};
afterEach(() => policies.splice(0).forEach((created) => created.close()));

describe('LingerPolicy', () => {
  it('lingers the configured time while the host has room, up to the budget as it saturates', () => {
    const linger = policy(50, 300);
    linger.observe(0.3);
    expect(linger.lingerMs(1)).toBe(50);
    for (let i = 0; i < 20; i++) linger.observe(0.98);
    expect(linger.lingerMs(1)).toBeCloseTo(300, 0);
    for (let i = 0; i < 20; i++) linger.observe(0.2);
    expect(linger.lingerMs(1)).toBeCloseTo(50, 0);
  });

  it('sends a trickle at once: messages further apart than the linger do not wait', () => {
    const linger = policy(50, 300);
    expect(linger.lingerMs(Infinity)).toBe(0);
    expect(linger.lingerMs(80)).toBe(0);
    expect(linger.lingerMs(20)).toBe(50);
  });
});

describe('ArrivalGap', () => {
  it('is unknown (Infinity) until two arrivals, then follows the gaps, counting silences as at most the cap', () => {
    const gap = new ArrivalGap(600);
    expect(gap.ms).toBe(Infinity);
    gap.arrived(0);
    expect(gap.ms).toBe(Infinity);
    gap.arrived(100_000); // a long silence counts as 600
    expect(gap.ms).toBe(600);
    for (let at = 100_010; at < 100_200; at += 10) gap.arrived(at);
    expect(gap.ms).toBeLessThan(20);
  });
});

describe('lingerLeft', () => {
  const batch = [{ accepted_at: 1000 }];
  it('waits the rest of the linger for a partial batch that left nothing behind', () => {
    expect(lingerLeft(batch, 500, { lingerMs: 50, leftBehind: 0 }, 1020)).toBe(30);
    expect(lingerLeft(batch, 500, { lingerMs: 50, leftBehind: 0 }, 1080)).toBe(0);
  });
  it('sends at once a full batch, or one that left messages behind (their profiles in flight)', () => {
    expect(lingerLeft(batch, 1, { lingerMs: 50, leftBehind: 0 }, 1000)).toBe(0);
    expect(lingerLeft(batch, 500, { lingerMs: 50, leftBehind: 3 }, 1000)).toBe(0);
  });
});
