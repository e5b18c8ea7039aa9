import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC instead of esbuild: Nest's DI and class-validator need emitted decorator metadata.
// The `source` export condition makes the workspace libraries resolve to their TypeScript sources, so tests never
// run against a stale build of them (the built host, started by the fault and security suites, uses their dist/).
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: [] } },
  test: {
    include: [
      'apps/**/*.spec.ts',
      'libs/**/*.spec.ts',
      'test/**/*.e2e.spec.ts',
      'test/faults/**/*.fault.spec.ts',
      'test/security/**/*.security.spec.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
