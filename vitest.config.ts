import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The JSON report is what .ci/run counts; the default reporter is for people.
    reporters: ['default', 'json'],
    outputFile: { json: '.ci/report.json' },
    // Removes what tempDir() made after each file; the global setups check nothing is left.
    setupFiles: ['test/setup-temp.ts'],
    // `npm test` runs both; `npm run test:e2e` only the browser tests (headless Chromium).
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**'], globalSetup: ['test/global-setup.ts'] },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/e2e/global-setup.ts'], fileParallelism: false },
      },
    ],
  },
});
