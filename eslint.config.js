import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Import direction (docs/ARCHITECTURE.md) between layers and folders, and import cycles, are
// enforced by .dependency-cruiser.mjs (`npm run lint:imports`). Here: who may import electron and node.
// Only src-main/app may import electron; src-shared and src-renderer never see node.
const noElectron = {
  name: 'electron',
  message: 'Only src-main/app imports electron (docs/ARCHITECTURE.md).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [noElectron] }],
    },
  },
  { files: ['src-main/app/**'], rules: { 'no-restricted-imports': 'off' } },
  {
    files: ['src-shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: ['node:*', '**/src-main/**', '**/src-renderer/**'] },
      ],
    },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: ['node:*', '**/src-main/**'] }],
    },
  },
);
