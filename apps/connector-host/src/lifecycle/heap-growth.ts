import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full GC, in percent.
 *
 * Draining a backlog allocates fast (each PutRecords request builds a ~200 KB body in growing buffers) with
 * little that lives: about 77 MiB survive a full GC. Left to its own heuristics, V8 saw GC as cheap and let
 * the heap grow to ~3.5x that before collecting, so the 1,000,000-message benchmark peaked at 440-470 MiB
 * RSS. Growing by at most 100% keeps the peak near 310 MiB for a 2-4% throughput cost (bench/, measured).
 * It is a growth factor, not a ceiling: a bigger live heap still fits, nothing runs out of memory over it.
 * V8 reads it at every full GC, so setting it at run time works.
 */
export const HEAP_GROWING_PERCENT = 100;

/**
 * The most a young-generation semi-space may take, in MiB. Node 24's V8 sizes it up to 64 MiB on this machine
 * (a 128 MiB new space; Node 20's stopped at 16), and an idle event loop keeps what it last allocated there until it
 * allocates again: with 10,000 idle connectors the host held 57 MiB in its new space, 467-490 MiB RSS against 366
 * with 8. With delivery on its own thread the process holds two heaps: both need the bound.
 */
export const MAX_SEMI_SPACE_MB = 8;

/**
 * The node flag that bounds the main heap's young generation. Since Node 24 (V8 13) a semi-space size set at run
 * time reaches only isolates made after it (delivery's thread), not the running one: the main heap's comes from
 * node's command line, which `npm start`, `npm run start:prod` and the documented commands pass.
 */
export const SEMI_SPACE_FLAG = `--max-semi-space-size=${MAX_SEMI_SPACE_MB}`;

const SEMI_SPACE = /^--max[-_]semi[-_]space[-_]size\b/;
const GROWING = /^--heap[-_]growing[-_]percent\b/;

export interface HeapBounds {
  /** Whether HEAP_GROWING_PERCENT was applied (false: the operator chose a growth on node's command line). */
  growthSet: boolean;
  /** Whether the main heap's young generation is bounded: node was started with a semi-space size. */
  mainYoungGenerationBounded: boolean;
}

/** Applies the bounds that work at run time, unless the operator chose them on node's command line or NODE_OPTIONS. */
export function boundHeapGrowth(
  nodeFlags: readonly string[] = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)],
  setFlags: (flags: string) => void = setFlagsFromString,
): HeapBounds {
  const semiSpaceChosen = nodeFlags.some((flag) => SEMI_SPACE.test(flag));
  // For delivery's thread, made after this: the main heap's was fixed when node started.
  if (!semiSpaceChosen) setFlags(SEMI_SPACE_FLAG);
  const growthChosen = nodeFlags.some((flag) => GROWING.test(flag));
  if (!growthChosen) setFlags(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return { growthSet: !growthChosen, mainYoungGenerationBounded: semiSpaceChosen };
}
