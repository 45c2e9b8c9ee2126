import { defineConfig } from 'vitest/config';

// The benchmark's own accounting (pnpm test): lib/cpu.ts attributes CPU time to processes it
// reads from /proc, so its tests start child processes (no AWS backends needed).
export default defineConfig({
  test: {
    include: ['tests/integration/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    testTimeout: 30_000,
  },
});
