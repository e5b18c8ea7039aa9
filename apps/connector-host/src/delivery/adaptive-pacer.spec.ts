import { describe, expect, it } from 'vitest';
import { AdaptivePacer } from './adaptive-pacer.js';

describe('AdaptivePacer', () => {
  it('does not pace a destination that never throttles', () => {
    const pacer = new AdaptivePacer(10, 1000);
    pacer.record(0, 500);
    expect(pacer.delayMs).toBe(0);
  });

  it('leaves a few throttled entries to their own backoff', () => {
    const pacer = new AdaptivePacer(10, 100, 0.2);
    pacer.record(20, 500);
    expect(pacer.delayMs).toBe(0);
  });

  it('doubles the pause per throttled round up to its cap, and halves it back to none on clean rounds', () => {
    const pacer = new AdaptivePacer(10, 100);
    const pauses: number[] = [];
    for (let round = 0; round < 6; round++) {
      pacer.record(300, 500);
      pauses.push(pacer.delayMs);
    }
    expect(pauses).toEqual([10, 20, 40, 80, 100, 100]);
    const recovery: number[] = [];
    for (let round = 0; round < 5; round++) {
      pacer.record(0, 500);
      recovery.push(pacer.delayMs);
    }
    expect(recovery).toEqual([50, 25, 12.5, 0, 0]);
  });
});
