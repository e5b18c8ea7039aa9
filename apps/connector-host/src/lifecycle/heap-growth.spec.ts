import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { boundHeapGrowth } from './heap-growth.js';

describe('boundHeapGrowth', () => {
  it("leaves an operator's own --heap-growing-percent alone", () => {
    const set: string[] = [];
    expect(boundHeapGrowth(['--heap-growing-percent=300', '--max_semi_space_size=32'], (flags) => set.push(flags))).toBe(false);
    expect(boundHeapGrowth(['--heap_growing_percent=300', '--max-semi-space-size=32'], (flags) => set.push(flags))).toBe(false);
    expect(set).toEqual([]);
  });

  it('sets the bound otherwise, other node flags notwithstanding', () => {
    const set: string[] = [];
    expect(boundHeapGrowth(['--max-old-space-size=512'], (flags) => set.push(flags))).toBe(true);
    expect(set).toEqual(['--max-semi-space-size=8', '--heap-growing-percent=100']);
  });

  it('names a flag this V8 knows (setFlagsFromString ignores unknown flags silently, e.g. after a Node upgrade)', () => {
    const known = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    expect(known).toMatch(/^\s*--heap-growing-percent\b/m);
    expect(known).toMatch(/^\s*--max-semi-space-size\b/m);
  });
});
