import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boundHeapGrowth, SEMI_SPACE_FLAG } from './heap-growth.js';

describe('boundHeapGrowth', () => {
  it("leaves an operator's own flags alone, and says the main heap's young generation is bounded", () => {
    const set: string[] = [];
    expect(boundHeapGrowth(['--heap-growing-percent=300', '--max_semi_space_size=32'], (flags) => set.push(flags))).toEqual({
      growthSet: false,
      mainYoungGenerationBounded: true,
    });
    expect(boundHeapGrowth(['--heap_growing_percent=300', '--max-semi-space-size=32'], (flags) => set.push(flags)).growthSet).toBe(false);
    expect(set).toEqual([]);
  });

  it("sets the bounds otherwise, and says the main heap's young generation was not bounded by node's command line", () => {
    const set: string[] = [];
    expect(boundHeapGrowth(['--max-old-space-size=512', ''], (flags) => set.push(flags))).toEqual({
      growthSet: true,
      mainYoungGenerationBounded: false,
    });
    expect(set).toEqual(['--max-semi-space-size=8', '--heap-growing-percent=100']);
  });

  it('names flags this V8 knows (setFlagsFromString ignores unknown flags silently, e.g. after a Node upgrade)', () => {
    const known = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    expect(known).toMatch(/^\s*--heap-growing-percent\b/m);
    expect(known).toMatch(/^\s*--max-semi-space-size\b/m);
  });

  it('is passed on the command line by the scripts that start the built host', () => {
    const { scripts } = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
    };
    for (const name of ['start', 'start:prod']) expect(scripts[name]).toContain(`node ${SEMI_SPACE_FLAG} dist/apps/connector-host/main.js`);
  });
});
