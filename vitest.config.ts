import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC instead of esbuild: Nest's DI and class-validator need emitted decorator metadata.
// The `source` export condition makes the workspace libraries resolve to their TypeScript sources, so tests never
// run against a stale build of them (the built host, started by the fault and security suites, uses their dist/).
const everything = [
  'apps/**/*.spec.ts',
  'libs/**/*.spec.ts',
  'bench/**/*.spec.ts',
  'test/**/*.e2e.spec.ts',
  'test/faults/**/*.fault.spec.ts',
  'test/security/**/*.security.spec.ts',
];
/**
 * The end-to-end suites that exercise the store, run a second time with every host on PostgreSQL (the store's
 * own specs run on both engines inside the sqlite project already).
 */
const onPostgres = [
  'test/connectors.e2e.spec.ts',
  'test/bindings.e2e.spec.ts',
  'test/events.e2e.spec.ts',
  'test/delivery.e2e.spec.ts',
  'test/durability.e2e.spec.ts',
  'test/operations.e2e.spec.ts',
  'test/webhook.e2e.spec.ts',
  'test/idle-connectors.e2e.spec.ts',
  'test/fair-share.e2e.spec.ts',
  'test/hot-profile.e2e.spec.ts',
  'test/stats.e2e.spec.ts',
  'test/kinesis-roles.e2e.spec.ts',
  'test/delivery-policy.e2e.spec.ts',
  'test/message-history.e2e.spec.ts',
  'test/replays.e2e.spec.ts',
  'test/tracing.e2e.spec.ts',
  'test/alerts.e2e.spec.ts',
  'test/pubsub.e2e.spec.ts',
];

/** The specs beside the code. */
const unit = ['apps/**/*.spec.ts', 'libs/**/*.spec.ts', 'bench/**/*.spec.ts'];
const globalSetup = ['./test/support/postgres-server.ts'];

export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: [] } },
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      // One real PostgreSQL per project (from npm, on loopback): the store's suites run on both engines.
      { extends: true, test: { name: 'sqlite', include: everything, globalSetup } },
      { extends: true, test: { name: 'postgres', include: onPostgres, globalSetup, env: { TEST_STORE: 'postgres' } } },
      // npm run test:browser: the console in Debian's chromium (apt-get install chromium), against the real host.
      // A suite's teardown closes Chromium (10 s at most, support/browser.ts), then a host (SHUTDOWN_TIMEOUT_MS).
      {
        extends: true,
        test: { name: 'browser', include: ['test/browser/**/*.browser.spec.ts'], globalSetup, testTimeout: 60_000, hookTimeout: 60_000 },
      },
      // npm run test:unit: the specs beside the code, on SQLite alone, with no database server to start.
      { extends: true, test: { name: 'unit', include: unit, pool: 'threads', env: { TEST_WITHOUT_POSTGRES: '1' } } },
    ],
  },
});
