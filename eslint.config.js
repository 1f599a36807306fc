import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'
import prettier from 'eslint-config-prettier'

/** Import boundaries between the layers (README, Layout). A later block for the same files replaces an earlier one's list. */
const engineOnly = { name: 'dockerode', message: 'Only the compose runtime (src/main/engine/compose/) speaks the Docker API.' }
const restrict = (paths, patterns) => ['error', { paths, patterns }]
const boundaries = [
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['electron', 'vue', 'pinia', 'vuetify', 'dockerode', 'ssh2'],
        [
          {
            group: ['node:*', '**/main/**', '**/renderer/**', '**/preload/**', 'vue-*', 'vuetify/*'],
            message: 'src/shared stays free of Node, Electron and Vue: it runs in all three processes.',
          },
        ],
      ),
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/engine/compose/**'],
    rules: { 'no-restricted-imports': restrict([engineOnly], []) },
  },
  {
    files: ['src/main/host/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [engineOnly],
        [
          {
            group: ['**/shops/**', '**/engine/**', '**/team/**', '**/host-setup/**', '**/drafts/**', '**/templates/**', '**/dns/**', '**/domains/**'],
            message: 'host/ holds connections and sessions only; it imports nothing of the lifecycle.',
          },
        ],
      ),
    },
  },
  {
    files: ['src/main/shops/**/*.ts', 'src/main/host-setup/**/*.ts', 'src/main/drafts/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [engineOnly],
        [
          {
            group: ['**/engine/compose/**', '**/engine/host-files/**', '**/host/ssh-*', '**/host/docker-agent'],
            message: 'The lifecycle talks to an engine through the ports (engine/shop-runtime.ts, engine/shop-store.ts) only.',
          },
        ],
      ),
    },
  },
  {
    // The gate runs on the host under plain Node: the desktop app's modules would not even load there.
    files: ['src/gate/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['electron', 'keytar', 'electron-store', 'conf'],
        [{ group: ['**/renderer/**', '**/preload/**', '**/vault/**', '**/ipc/**', '**/services'], message: 'The gate uses the lifecycle and engine only, never the desktop app.' }],
      ),
    },
  },
  {
    files: ['src/renderer/**/*.{ts,vue}', 'src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [engineOnly],
        [{ group: ['**/main/**', 'node:*'], message: 'The renderer and preload reach the main process only through the contract.' }],
      ),
    },
  },
]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.tools/**', 'test-results/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  ...boundaries,
  // Layout is the formatter's (prettier, print width 160): rules that would argue with it are off.
  prettier,
)
