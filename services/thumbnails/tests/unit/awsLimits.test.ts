import { readFileSync } from 'node:fs';
import { type AwsCallLimits, worstCaseCallMs } from '@shop/common/aws';
import { describe, expect, it } from 'vitest';
import { AWS_LIMITS } from '../../src/config.js';

/** ThumbnailsFunction's Timeout in template.yaml, in milliseconds. */
const timeoutMs = (): number => {
  const template = readFileSync(new URL('../../../../template.yaml', import.meta.url), 'utf8');
  const resource = template
    .split(/\n {2}(?=\w+:\n)/)
    .find((block) => block.startsWith('ThumbnailsFunction:'));
  return 1_000 * Number(resource?.match(/\n {6}Timeout: (\d+)/)?.[1]);
};

describe('AWS_LIMITS', () => {
  it('lets one call end before the invocation deadline, inside the function timeout', () => {
    // Prepare
    const { deadlineMarginMs, ...clients } = AWS_LIMITS;
    const budgetMs = timeoutMs() - deadlineMarginMs;

    // Assess
    expect(budgetMs).toBeGreaterThan(0);
    expect(deadlineMarginMs).toBeGreaterThanOrEqual(1_000);
    for (const client of Object.values(clients) as AwsCallLimits[]) {
      expect(worstCaseCallMs(client)).toBeLessThan(budgetMs);
    }
  });
});
