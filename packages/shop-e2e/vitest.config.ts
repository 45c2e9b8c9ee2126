import { defineConfig } from 'vitest/config';

// Each test file starts the whole shop in its worker (startShop) and injects faults into it.
// Files run one after another: their fault rules and timings must not share two busy cores
// with another copy of the shop.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
