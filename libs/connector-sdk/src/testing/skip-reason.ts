import type { SuiteOptions } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    /** Why the suite's tests were skipped where its peer is absent: a run's summary counts its skips under it. */
    skipReason?: string;
  }
}

/**
 * Options for `describe(name, options, fn)`: the suite runs where its real peer is `available` (an emulator that
 * only some machines have), and is skipped elsewhere, saying why. Its tests carry `reason` as `meta.skipReason`,
 * so a reporter can count skips by reason instead of hiding them in one number.
 *
 * @example describe('against the emulator', skipUnless(PubSubEmulator.available(), 'Pub/Sub emulator absent'), () => { … });
 */
export function skipUnless(available: boolean, reason: string): SuiteOptions {
  // The reason only where it is one: tests left out for another cause (a name filter) are not said to lack the peer.
  return available ? { skip: false } : { skip: true, meta: { skipReason: reason } };
}
