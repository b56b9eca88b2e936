import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'coverage/', 'docs/', '.scratch-*/'] },
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
  ...netLayerRules(),
);

/**
 * src/net is isomorphic (no Node built-ins, no ws, no Buffer except at the @ton/core boundary) and its folders
 * import only downward (tl → crypto → transport → adnl → lite/dht/rldp → dns/http/storage → gateway → stack), each other
 * folder only through its index.ts. One rule set per folder: flat config replaces a rule's options, not merges.
 */
function netLayerRules() {
  const rank = {
    tl: 0,
    raptorq: 0,
    crypto: 1,
    tlb: 2,
    transport: 2,
    adnl: 3,
    lite: 4,
    dht: 4,
    rldp: 4,
    dns: 5,
    http: 5,
    storage: 5,
    gateway: 6,
    stack: 7,
  };
  const paths = ['ws', 'fs', 'net', 'dgram', 'http', 'crypto'].map((name) => ({
    name,
    message: 'src/net must stay isomorphic.',
  }));
  const common = [
    { group: ['node:*'], message: 'src/net must stay isomorphic (no Node built-ins).' },
    {
      group: [
        '**/node/**',
        '**/devnet/**',
        '**/background/**',
        '**/popup/**',
        '**/options/**',
        '**/loader/**',
      ],
      message: 'src/net imports only downward.',
    },
  ];
  // A relative import reaching another src/net folder: '../x/…' from the folder's top, '../../x/…' one level down, …
  const up = ['../', '../../', '../../../'];
  return Object.keys(rank).map((folder) => {
    const higher = Object.keys(rank).filter((other) => other !== folder && rank[other] >= rank[folder]);
    const lower = Object.keys(rank).filter((other) => rank[other] < rank[folder]);
    return {
      files: [`src/net/${folder}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            paths,
            patterns: [
              ...common,
              ...(higher.length > 0
                ? [
                    {
                      group: higher.flatMap((other) => up.map((u) => `${u}${other}/*`)),
                      message: `src/net/${folder} imports only lower layers (tl → crypto → transport → adnl → lite/dht/rldp → dns/http/storage → gateway).`,
                    },
                  ]
                : []),
              ...(lower.length > 0
                ? [
                    {
                      group: lower.flatMap((other) =>
                        up.flatMap((u) => [`${u}${other}/**`, `!${u}${other}/index.ts`]),
                      ),
                      message: 'Another src/net folder is used through its index.ts only.',
                    },
                  ]
                : []),
            ],
          },
        ],
      },
    };
  });
}
