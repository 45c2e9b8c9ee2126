import { type AwsCallLimits, worstCaseCallMs } from '@shop/common/aws';
import { beforeAll, describe, expect, it } from 'vitest';
import { AWS_LIMITS, loadEmailConfig, SES_SEND_RETRY } from '../../src/config.js';
import { dig, readTemplate } from '../support/template.js';

let template: unknown;
const email = (...path: string[]) => dig(template, 'Resources', 'EmailFunction', ...path);
const environment = (name: string) => email('Properties', 'Environment', 'Variables', name);
const timeoutMs = () =>
  1_000 * Number(email('Properties', 'Timeout') ?? dig(template, 'Globals', 'Function', 'Timeout'));

/** One SES send: every adapter attempt to its request timeout, plus the longest backoffs. */
const worstCaseSendMs = () => {
  let total = SES_SEND_RETRY.attempts * worstCaseCallMs(AWS_LIMITS.ses);
  for (let retry = 1; retry < SES_SEND_RETRY.attempts; retry += 1) {
    total += Math.min(SES_SEND_RETRY.maxDelayMs, SES_SEND_RETRY.baseDelayMs * 2 ** (retry - 1));
  }
  return total;
};

describe('EmailFunction in template.yaml', () => {
  beforeAll(async () => {
    template = await readTemplate();
  });

  it('lets one call of each client end before the invocation deadline', () => {
    // Prepare
    const { deadlineMarginMs, ...clients } = AWS_LIMITS;
    const budgetMs = timeoutMs() - deadlineMarginMs;

    // Assess
    expect(deadlineMarginMs).toBeGreaterThanOrEqual(1_000);
    expect(budgetMs).toBeGreaterThan(0);
    for (const client of Object.values(clients) as AwsCallLimits[]) {
      expect(worstCaseCallMs(client)).toBeLessThan(budgetMs);
    }
  });

  it('lets the SES send of the last record started end before the deadline', () => {
    // Prepare: a record starts with at least the safety margin left; the deadline takes its own.
    const config = loadEmailConfig({
      IDEMPOTENCY_TABLE_NAME: 't',
      SENDER_EMAIL: 'orders@example.com',
      REMAINING_TIME_SAFETY_MARGIN_MS: String(environment('REMAINING_TIME_SAFETY_MARGIN_MS')),
    });
    const lastRecordBudgetMs = config.REMAINING_TIME_SAFETY_MARGIN_MS - AWS_LIMITS.deadlineMarginMs;

    // Assess
    expect(config.REMAINING_TIME_SAFETY_MARGIN_MS).toBeLessThan(timeoutMs());
    expect(worstCaseSendMs()).toBeLessThan(lastRecordBudgetMs);
    // One SDK attempt: the SDK must never retry a send whose outcome it does not know.
    expect(AWS_LIMITS.ses.maxAttempts).toBe(1);
  });

  it('sets MAX_RECEIVE_COUNT to OrderEventsQueue maxReceiveCount', () => {
    // Prepare
    const redrive = dig(template, 'Resources', 'OrderEventsQueue', 'Properties', 'RedrivePolicy');
    const queue = dig(email('Properties', 'Events', 'OrderEvents'), 'Properties', 'Queue');

    // Assess
    expect(queue).toEqual({ 'Fn::GetAtt': ['OrderEventsQueue', 'Arn'] });
    expect(dig(redrive, 'maxReceiveCount')).toBeDefined();
    expect(Number(environment('MAX_RECEIVE_COUNT'))).toBe(Number(dig(redrive, 'maxReceiveCount')));
  });

  it('keeps the queue visibility timeout at least 6 times the function timeout', () => {
    // Assess
    const visibility = dig(
      template,
      'Resources',
      'OrderEventsQueue',
      'Properties',
      'VisibilityTimeout',
    );
    expect(1_000 * Number(visibility)).toBeGreaterThanOrEqual(6 * timeoutMs());
  });
});
