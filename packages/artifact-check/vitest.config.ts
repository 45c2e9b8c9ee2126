import { defineConfig } from 'vitest/config';

// Unit tests only (pnpm test): the matchers, diagnoses, layout and the mapping's coverage of
// events/ and template.yaml. The negative tests need `sam build` output and aws-lambda-ric:
// vitest.negative.config.ts (pnpm test:negative).
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    testTimeout: 10_000,
  },
});
