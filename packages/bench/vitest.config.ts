import { defineConfig } from 'vitest/config';

// The benchmark's own accounting (pnpm test): lib/cpu.ts's arithmetic (tests/unit) and its
// reading of /proc, with child processes that burn a known amount of CPU (tests/integration;
// no AWS backends needed).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    testTimeout: 30_000,
  },
});
