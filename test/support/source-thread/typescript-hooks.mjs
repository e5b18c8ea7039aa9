// Module hooks that let a worker thread run the repository's TypeScript sources, as the test files themselves run:
// `.js` specifiers of relative imports resolve to their `.ts` files, the workspace libraries to their sources (the
// `source` export condition), and each `.ts` file is transpiled by the TypeScript compiler the build uses
// (decorators and their metadata, which Nest's injection needs). Pure JavaScript on purpose: a native transpiler
// loaded into worker threads took the test process down when a thread ended. Transpiled files are kept in
// node_modules/.cache, keyed by their content, so a thread started again transpiles nothing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const cacheDir = join(root, 'node_modules/.cache/source-thread');
const ts = { compiler: undefined, version: JSON.parse(readFileSync(join(root, 'node_modules/typescript/package.json'), 'utf8')).version };

function transpile(path, source) {
  const key = createHash('sha256').update(`${ts.version}\0${path}\0${source}`).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  if (existsSync(cached)) return readFileSync(cached, 'utf8');
  ts.compiler ??= require('typescript');
  const { outputText } = ts.compiler.transpileModule(source, {
    fileName: path,
    compilerOptions: {
      module: ts.compiler.ModuleKind.ESNext,
      target: ts.compiler.ScriptTarget.ES2023,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  mkdirSync(cacheDir, { recursive: true });
  // Another thread may write the same entry at the same time: each writes its own file, then renames it.
  const temporary = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(temporary, outputText);
  renameSync(temporary, cached);
  return outputText;
}

registerHooks({
  resolve(specifier, context, nextResolve) {
    const withSource = { ...context, conditions: [...context.conditions, 'source'] };
    if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
      const asTypeScript = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
      if (existsSync(asTypeScript)) return nextResolve(asTypeScript.href, withSource);
    }
    return nextResolve(specifier, withSource);
  },
  load(url, context, nextLoad) {
    if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
    const path = fileURLToPath(url);
    return { format: 'module', source: transpile(path, readFileSync(path, 'utf8')), shortCircuit: true };
  },
});
