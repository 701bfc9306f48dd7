// ESLint flat config: eslint's and typescript-eslint's recommended rules over the sources, tests,
// scripts and benches. Formatting is Prettier's job (npm run format:check), not ESLint's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-web/',
      'node_modules/',
      '.tools/',
      'coverage/',
      'fixtures/',
      'src/validate/generated/',
      'src/artifact/generated/',
      'src/types/generated/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      // The library runs in Node and in browsers; tests, scripts and benches run in Node.
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      // Unused names are mistakes, except the deliberate `_`-prefixed ones.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Matching NUL and other control characters is the point of the name and terminal-escape checks.
      'no-control-regex': 'off',
    },
  },
  {
    // The CLI's start (bin/) is CommonJS on purpose (start-up): it loads with require.
    files: ['**/*.cjs', '**/*.cts'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
