/**
 * Waits for `work` until it settles, the host's `signal` aborts, or `deadlineMs` passes, whichever comes first, and
 * leaves no timer or listener behind. Work still under way goes on unwatched: its outcome is no longer awaited.
 */
export async function settleWithin(work: Promise<unknown>, signal: AbortSignal | undefined, deadlineMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let stop = () => {};
  const out = new Promise<void>((resolve) => {
    stop = () => resolve();
    timer = setTimeout(stop, deadlineMs);
    signal?.addEventListener('abort', stop, { once: true });
  });
  try {
    await Promise.race([work, out]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', stop);
  }
}
