import { worstCaseCallMs } from '@shop/common/aws';
import { awsLimitsProblems } from '@shop/testing/awsLimits';
import {
  dig,
  functionEnvironmentValue,
  functionTimeoutMs,
  resourceProperties,
} from '@shop/testing/template';
import { describe, expect, it } from 'vitest';
import { AWS_LIMITS, loadEmailConfig, SES_SEND_RETRY } from '../../src/config.js';

const FUNCTION = 'EmailFunction';

/** One SES send: every adapter attempt to its request timeout, plus the longest backoffs. */
const worstCaseSendMs = () => {
  let total = SES_SEND_RETRY.attempts * worstCaseCallMs(AWS_LIMITS.ses);
  for (let retry = 1; retry < SES_SEND_RETRY.attempts; retry += 1) {
    total += Math.min(SES_SEND_RETRY.maxDelayMs, SES_SEND_RETRY.baseDelayMs * 2 ** (retry - 1));
  }
  return total;
};

/** The template's EmailFunction settings, as the function loads them. */
const templateConfig = () =>
  loadEmailConfig({
    IDEMPOTENCY_TABLE_NAME: 't',
    SENDER_EMAIL: 'orders@example.com',
    REMAINING_TIME_SAFETY_MARGIN_MS: String(
      functionEnvironmentValue(FUNCTION, 'REMAINING_TIME_SAFETY_MARGIN_MS'),
    ),
  });

/** What the last record started has: at least the safety margin, less the deadline's own. */
const lastRecordBudgetMs = () =>
  templateConfig().remainingTimeSafetyMarginMs - AWS_LIMITS.deadlineMarginMs;

describe('EmailFunction in template.yaml', () => {
  it('lets one call of each client end before the invocation deadline', () => {
    // Assess
    expect(awsLimitsProblems(AWS_LIMITS, FUNCTION)).toEqual([]);
  });

  it('lets the SES send of the last record started end before the deadline', () => {
    // Prepare: a record starts with at least the safety margin left; the deadline takes its own.
    const config = templateConfig();

    // Assess
    expect(config.remainingTimeSafetyMarginMs).toBeLessThan(functionTimeoutMs(FUNCTION));
    expect(worstCaseSendMs()).toBeLessThan(lastRecordBudgetMs());
    // One SDK attempt: the SDK must never retry a send whose outcome it does not know.
    expect(AWS_LIMITS.ses.maxAttempts).toBe(1);
  });

  it("lets the last record's idempotency writes end before the deadline when DynamoDB is at its worst", () => {
    // Prepare: one record is an idempotency put, the SES send and a completion write (the
    // config's arithmetic). Either dependency at its worst fits (SES: the test above); with
    // both at their worst at once, the deadline ends the record and SQS delivers it again.
    const idempotencyWritesMs = 2 * worstCaseCallMs(AWS_LIMITS.dynamodb);

    // Assess
    expect(idempotencyWritesMs).toBeLessThan(lastRecordBudgetMs());
  });

  it('sets MAX_RECEIVE_COUNT to OrderEventsQueue maxReceiveCount', () => {
    // Prepare
    const redrive = resourceProperties('OrderEventsQueue').RedrivePolicy;
    const queue = dig(resourceProperties(FUNCTION), 'Events', 'OrderEvents', 'Properties', 'Queue');

    // Assess
    expect(queue).toEqual({ 'Fn::GetAtt': ['OrderEventsQueue', 'Arn'] });
    expect(dig(redrive, 'maxReceiveCount')).toBeDefined();
    expect(Number(functionEnvironmentValue(FUNCTION, 'MAX_RECEIVE_COUNT'))).toBe(
      Number(dig(redrive, 'maxReceiveCount')),
    );
  });

  it('keeps the queue visibility timeout at least 6 times the function timeout', () => {
    // Assess
    const visibility = resourceProperties('OrderEventsQueue').VisibilityTimeout;
    expect(1_000 * Number(visibility)).toBeGreaterThanOrEqual(6 * functionTimeoutMs(FUNCTION));
  });
});
