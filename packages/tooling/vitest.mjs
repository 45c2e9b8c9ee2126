// Vitest settings every package shares: a JSON report per package (collected by
// scripts/test-summary.mjs for one closing line), the setup files, and two projects sorted by
// cost:
// - unit (tests/unit): in-process only, so files share one module graph per worker
//   (`isolate: false`): module loading is most of a unit suite's time, and a unit test keeps no
//   state beyond its own mocks (restored after each test);
// - integration (tests/integration): the local AWS backends (Vitest global setup), each file in
//   a fresh module graph, as handlers keep clients and caches at module scope.
import { defineConfig } from 'vitest/config';

/**
 * @param {{ integration?: boolean, setupFiles?: string[], testTimeout?: number }} options
 */
export const sharedTestConfig = (options = {}) =>
  defineConfig({
    test: {
      reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
      setupFiles: options.setupFiles ?? [],
      hookTimeout: 60_000,
      projects: [
        {
          extends: true,
          test: {
            name: 'unit',
            include: ['tests/unit/**/*.test.ts'],
            isolate: false,
            testTimeout: options.testTimeout ?? 5_000,
          },
        },
        ...(options.integration
          ? [
              {
                extends: true,
                test: {
                  name: 'integration',
                  include: ['tests/integration/**/*.test.ts'],
                  globalSetup: ['@shop/local-cloud/vitest'],
                  testTimeout: options.testTimeout ?? 30_000,
                },
              },
            ]
          : []),
      ],
    },
  });
