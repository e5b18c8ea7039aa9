import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console is built into dist/console and served by the host under /console/ (api/console-page.ts): one small
// bundle, no request to anywhere but the host.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Every asset a file of its own: the page's CSP allows 'self' only, no inline data.
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
});
