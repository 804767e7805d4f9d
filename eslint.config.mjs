// ESLint flat config (typescript-eslint), as the VS Code extension samples use. `npm run lint` runs it; CI runs it in `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      '.vscode-test/**',
      '.lab/**',
      'test/peers/vcsim/**/*.go',
      'test/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
      // This product escapes and rejects control characters on purpose (controlChars.ts, diagnostics): such regexes are the point.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/providers/**/*.ts', 'src/transport/**/*.ts', 'src/formats/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'the provider layer never imports vscode (DESIGN.md)' }] },
      ],
    },
  },
  {
    // Tests read the untyped JSON/XML replies of labs and third-party clients, and load playwright-core and
    // zstd-codec from outside the bundle: `any` and require() are allowed there, not in src/.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // The VCB lab's stub tools: plain CommonJS Node scripts run by the SSH peer's user (no build step).
    files: ['test/lab/vcb/tools/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', Buffer: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
