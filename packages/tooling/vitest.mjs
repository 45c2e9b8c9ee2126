// Vitest settings every package shares: a JSON report per package (collected by
// scripts/test-summary.mjs for one closing line), the SDK mock matchers, and the local AWS
// backends for integration tests.
import { defineConfig } from 'vitest/config';

/**
 * @param {{ integration?: boolean, setupFiles?: string[], testTimeout?: number }} options
 */
export const sharedTestConfig = (options = {}) =>
  defineConfig({
    test: {
      include: ['tests/**/*.test.ts'],
      reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
      setupFiles: options.setupFiles ?? [],
      ...(options.integration ? { globalSetup: ['@shop/local-cloud/vitest'] } : {}),
      testTimeout: options.testTimeout ?? (options.integration ? 30_000 : 5_000),
      hookTimeout: 60_000,
    },
  });
