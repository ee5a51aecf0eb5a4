import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test/fixtures/', '.scratch/', '.h*-scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    // Plain-JS entry points run on Node.
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly' } },
  },
  {
    // bench/cli-timeline.mjs: preloaded into the built CLI, so plain JS.
    files: ['bench/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', performance: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-control-regex': 'off',
    },
  },
  {
    // The lab (fake hosts in network namespaces) is a harness for tests, benchmarks and `demo`, not the
    // product: of src/, only the demo command may import it (ARCHITECTURE.md).
    files: ['src/**/*.ts'],
    ignores: ['src/cli/demo.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+lab(/|$)',
              message: 'src/ imports the lab only in src/cli/demo.ts: the lab is a test harness, not the product.',
            },
          ],
        },
      ],
    },
  },
);
