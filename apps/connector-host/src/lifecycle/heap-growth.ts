import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full GC, in percent.
 *
 * Draining a backlog allocates fast (each PutRecords request builds a ~200 KB body in growing buffers) with
 * little that lives: about 77 MiB survive a full GC. Left to its own heuristics, V8 saw GC as cheap and let
 * the heap grow to ~3.5x that before collecting, so the 1,000,000-message benchmark peaked at 440-470 MiB
 * RSS. Growing by at most 100% keeps the peak near 310 MiB for a 2-4% throughput cost (bench/, measured).
 * It is a growth factor, not a ceiling: a bigger live heap still fits, nothing runs out of memory over it.
 */
export const HEAP_GROWING_PERCENT = 100;

/**
 * The most a young-generation semi-space may take, in MiB (V8's default here is 16). With delivery on its own
 * thread the process holds two heaps, and while the thread drains a backlog the host's idle event loop keeps
 * what the fill left (V8 collects when it allocates): the 1,000,000-message benchmark peaked at 411-424 MiB RSS
 * with the default, 394-398 with 8 (drain and fill rates unchanged within their noise). Set at boot, before the
 * thread's heap is made.
 */
export const MAX_SEMI_SPACE_MB = 8;

/** Applies the bound unless the operator chose one on node's command line. */
export function boundHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): boolean {
  if (!execArgv.some((flag) => /^--max[-_]semi[-_]space[-_]size\b/.test(flag))) setFlags(`--max-semi-space-size=${MAX_SEMI_SPACE_MB}`);
  if (execArgv.some((flag) => /^--heap[-_]growing[-_]percent\b/.test(flag))) return false;
  setFlags(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
