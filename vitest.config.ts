import { defineConfig } from 'vitest/config';

// Three projects: `unit` (service, rule and HTTP tests through app.inject, on PGlite and,
// with TEST_DATABASE_URL, on a PostgreSQL server), `reliability` (harnesses that start the real
// server as separate processes: crashes, faults, several processes; #16) and `e2e` (Chromium
// through playwright-core).
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/reliability/**', 'node_modules/**'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Measured on 2 busy cores (CPU seconds for the whole unit run): forks 74 s, threads
          // 51 s, threads without per-file isolation 34 s. Test files share a worker's module
          // graph; each still gets its own database clone and app, and no module keeps
          // per-file state, so nothing leaks between files (decision 022).
          pool: 'threads',
          isolate: false,
          // Vitest's default on 2 cores is one worker (cores - 1), and the per-file times of a
          // CI run added up to its wall time: the second core idled while each file's PGlite
          // ran in the worker. Two workers (decision 069).
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          // Each file starts server processes and measures what survives them: one at a time.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Builds dist/, which every file's server runs (decision 072).
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Two files at a time: one file keeps about half a core busy (its server, Chromium and
          // this worker mostly wait for each other), and each file has its own server, data
          // directory, port and browser. All ten passed this way on a machine at load 15-18
          // (decision 072).
          maxWorkers: 2,
        },
      },
    ],
  },
});
