import { defineConfig } from 'vitest/config'

import LongestFirst from './tests/int/sequencer'

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    environment: 'node',
    // `vitest run --coverage` (as `pnpm test` does): coverage of src/ over both projects, including
    // the child processes the integration tests start (tests/coverage/provider.ts); the json report
    // is where tests/coverage/report.ts adds what the end-to-end suite ran.
    coverage: {
      provider: 'custom',
      customProviderModule: './tests/coverage/provider.ts',
      include: ['src/**/*.{ts,tsx}'],
      exclude: ['src/app/(payload)/**', 'src/payload-types.ts', 'src/migrations/**'],
      reporter: ['text-summary', 'html', 'lcov', 'json-summary', 'json'],
      reportsDirectory: 'coverage',
      reportOnFailure: true,
    },
    // The longest integration files first, also on a fresh clone (tests/int/sequencer.ts).
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.unit.spec.ts'], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['tests/int/**/*.int.spec.ts'],
          globalSetup: ['./tests/int/globalSetup.ts'],
          setupFiles: ['./tests/int/setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Three files at a time (each has its own SQLite file and, through VITEST_POOL_ID, its own
          // Redis database: tests/int/setup.ts), as they wait on workers, servers and timers for much
          // of their time; after the unit project, not beside it.
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
