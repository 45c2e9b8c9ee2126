import { defineConfig } from 'vitest/config';

// Break a copy of .aws-sam/build on purpose and run the verifier on it (pnpm test:negative,
// after `pnpm build && sam build`). One verifier at a time: each starts backends and runtimes.
export default defineConfig({
  test: {
    include: ['tests/negative/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'reports/negative.json' }]],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
