// Lint, and the architecture made checkable: the core and the shared contract never import Electron, and
// the renderer never reaches Node (it talks only to the typed API object).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noElectron = { name: 'electron', message: 'The core never imports electron: keep it runnable and testable in plain Node (see README, Architecture).' };
const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'net', 'url', 'stream', 'util', 'buffer', 'events'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'release/**', 'node_modules/**', '.tools/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['electron/core/**', 'shared/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [{ group: ['electron/*'], message: noElectron.message }] }] },
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer has no Node access; use the typed API.' }))],
          patterns: [
            { group: ['node:*'], message: 'The renderer has no Node access; use the typed API.' },
            { group: ['**/electron/**'], message: 'The renderer reaches the core only through the typed API.' },
          ],
        },
      ],
    },
  },
);
