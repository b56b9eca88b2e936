import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'docs/', '.scratch-*/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // src/net is isomorphic: no Node built-ins, no ws, no Buffer (except at the @ton/core boundary).
    files: ['src/net/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          // Exact module names (a `patterns` group would also match local folders such as ../crypto/).
          paths: ['ws', 'fs', 'net', 'dgram', 'http', 'crypto'].map((name) => ({
            name,
            message: 'src/net must stay isomorphic.',
          })),
          patterns: [
            { group: ['node:*'], message: 'src/net must stay isomorphic (no Node built-ins).' },
            {
              group: ['**/node/**', '**/devnet/**', '**/background/**', '**/popup/**'],
              message: 'src/net imports only downward.',
            },
          ],
        },
      ],
    },
  },
);
