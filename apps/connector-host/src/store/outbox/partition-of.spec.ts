import { describe, expect, it } from 'vitest';
import { partitionOf } from './partition-of.js';

describe('partitionOf', () => {
  it('is stable and within range', () => {
    for (let index = 0; index < 1000; index++) {
      const partition = partitionOf('connector', `profile-${index}`, 32);
      expect(partition).toBeGreaterThanOrEqual(0);
      expect(partition).toBeLessThan(32);
      expect(partitionOf('connector', `profile-${index}`, 32)).toBe(partition);
    }
  });

  it('spreads profiles over every partition, none with more than twice its share', () => {
    const counts = new Array<number>(32).fill(0);
    for (let index = 0; index < 32_000; index++) counts[partitionOf('c-1', `p${index}`, 32)]++;
    expect(Math.min(...counts)).toBeGreaterThan(500);
    expect(Math.max(...counts)).toBeLessThan(2000);
  });

  it('depends on the connector too, and one partition means 0', () => {
    const differ = Array.from({ length: 100 }, (_, i) => partitionOf('a', `p${i}`, 64) !== partitionOf('b', `p${i}`, 64));
    expect(differ.filter(Boolean).length).toBeGreaterThan(80);
    expect(partitionOf('a', 'p', 1)).toBe(0);
  });
});
