// Lint as Payload's app templates do (Next's core-web-vitals rules with typescript-eslint and
// react-hooks), typed rules where they catch real bugs (floating promises), and Prettier's
// settings last so formatting is Prettier's alone (.prettierrc.json). `pnpm lint` runs both.
import nextVitals from 'eslint-config-next/core-web-vitals'
import prettier from 'eslint-config-prettier/flat'
import { globalIgnores } from 'eslint/config'
import tseslint from 'typescript-eslint'

const config = [
  ...nextVitals,
  ...tseslint.configs.recommended,
  globalIgnores([
    '.next/**',
    'node_modules/**',
    'coverage/**',
    '.tmp/**',
    'test-results/**',
    'playwright-report/**',
    'next-env.d.ts',
    'src/payload-types.ts',
    'src/app/(payload)/**',
    'src/migrations/**',
  ]),
  {
    files: ['**/*.{ts,tsx,mts}'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          vars: 'all',
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^(_|ignore)',
        },
      ],
    },
  },
  prettier,
  {
    // Prettier wraps code at 120 columns but leaves long strings and comments alone: this keeps them in.
    rules: { 'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }] },
  },
]

export default config
