import { describe, expect, it } from 'vitest';
import { seededRandom, zipfSampler } from './zipf.js';

describe('the bench workload sampler', () => {
  it('draws ranks in range with frequencies falling as 1 / rank^s', () => {
    const draw = zipfSampler(1000, 1.1, seededRandom(7));
    const counts = new Array<number>(1000).fill(0);
    for (let i = 0; i < 200_000; i++) counts[draw()]++;
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(200_000);
    // Rank 1 over rank 2 is 2^1.1 (2.14), rank 1 over rank 10 is 10^1.1 (12.6): within sampling noise.
    expect(counts[0] / counts[1]).toBeGreaterThan(1.95);
    expect(counts[0] / counts[1]).toBeLessThan(2.35);
    expect(counts[0] / counts[9]).toBeGreaterThan(10.5);
    expect(counts[0] / counts[9]).toBeLessThan(15);
    // The tail is still drawn: most of the thousand ranks appear.
    expect(counts.filter((count) => count > 0).length).toBeGreaterThan(900);
  });

  it('repeats the same sequence for the same seed', () => {
    const a = zipfSampler(100, 1.1, seededRandom(3));
    const b = zipfSampler(100, 1.1, seededRandom(3));
    expect(Array.from({ length: 50 }, a)).toEqual(Array.from({ length: 50 }, b));
  });
});
