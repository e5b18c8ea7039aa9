// ESLint with typescript-eslint's type-checked rules; formatting is Prettier's (eslint-config-prettier turns
// ESLint's own formatting rules off, so the two never disagree).
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', 'data/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits loses its error: every one is awaited, returned, or marked `void` on purpose.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
      // Contract methods are async by signature (a connector's check() returns a promise whether or not it awaits).
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read answers of the API they drive as untyped JSON.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // The console runs in a browser, not in Node.
  { files: ['apps/console/src/**/*.ts'], languageOptions: { globals: globals.browser } },
  // Its specs run in Node against the libraries' sources: typed by their own project (apps/console/tsconfig.spec.json).
  {
    files: ['apps/console/src/**/*.spec.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: 'apps/console/tsconfig.spec.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
