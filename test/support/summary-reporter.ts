import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';

/** What the line says of a skip that gave no reason: it stands out, since nothing should skip silently. */
const NO_REASON = 'no reason given';

/**
 * Ends a run with one plain line that any CI can read: `tests: N passed, N failed, N skipped`, and after the skips
 * why, by reason (`6 skipped (Pub/Sub emulator absent: 6)`). A suite gives its reason with `skipUnless()` of the
 * SDK's testing kit (its tests' `meta.skipReason`); a test that skips itself gives it as `context.skip(note)`.
 */
export default class SummaryReporter implements Reporter {
  /** Why a test with no reason of its own did not run: a name filter (`-t`) leaves tests out, and says so. */
  private unnamedSkip = NO_REASON;

  onInit(vitest: Vitest): void {
    if (vitest.config.testNamePattern) this.unnamedSkip = `not matching -t ${String(vitest.config.testNamePattern)}`;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const reasons = new Map<string, number>();
    for (const testModule of testModules) {
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else {
          counts.skipped++;
          const reason = skipReason(test, this.unnamedSkip);
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        }
      }
      // A file that failed to load has no tests but must not pass silently.
      if (testModule.state() === 'failed' && testModule.children.size === 0) counts.failed++;
    }
    const why = [...reasons].map(([reason, count]) => `${reason}: ${count}`).join(', ');
    process.stdout.write(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped${why ? ` (${why})` : ''}\n`);
  }
}

function skipReason(test: TestCase, otherwise: string): string {
  const result = test.result();
  if (result.state === 'pending') return 'not run';
  const note = result.state === 'skipped' ? result.note : undefined;
  const declared = (test.meta() as { skipReason?: unknown }).skipReason;
  return note || (typeof declared === 'string' && declared) || otherwise;
}
