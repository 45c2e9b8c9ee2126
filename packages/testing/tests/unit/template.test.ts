import { describe, expect, it } from 'vitest';
import { awsLimitsProblems } from '../../src/awsLimits.js';
import { lambdaContext } from '../../src/lambda.js';
import { tableInputFromTemplate } from '../../src/tables.js';
import { dig, functionTimeoutMs, readTemplate } from '../../src/template.js';

const limits = (requestTimeoutMs: number) => ({
  deadlineMarginMs: 1_000,
  dynamodb: { connectionTimeoutMs: 100, requestTimeoutMs, maxAttempts: 2 },
});

describe('template helpers', () => {
  it('reads short-form intrinsics in their long form', () => {
    // Assess
    expect(dig(readTemplate(), 'Resources', 'IndexQueue', 'Properties', 'RedrivePolicy')).toEqual(
      expect.objectContaining({
        deadLetterTargetArn: { 'Fn::GetAtt': ['IndexDeadLetterQueue', 'Arn'] },
      }),
    );
  });

  it("takes a function's own Timeout", () => {
    // Prepare: EmailFunction sets Timeout: 30 itself
    expect(dig(readTemplate(), 'Resources', 'EmailFunction', 'Properties', 'Timeout')).toBe(30);

    // Assess
    expect(functionTimeoutMs('EmailFunction')).toBe(30_000);
    expect(() => functionTimeoutMs('NoSuchFunction')).toThrow(/no resource NoSuchFunction/);
  });

  it("falls back to the Globals' Timeout for a function without one", () => {
    // Prepare: OrdersApiFunction has no Timeout of its own; Globals.Function.Timeout is 10
    const template = readTemplate();
    expect(dig(template, 'Resources', 'OrdersApiFunction', 'Properties')).not.toHaveProperty(
      'Timeout',
    );
    expect(dig(template, 'Globals', 'Function', 'Timeout')).toBe(10);

    // Assess
    expect(functionTimeoutMs('OrdersApiFunction')).toBe(10_000);
  });

  it('builds a CreateTable input with the template keys, indexes and stream', () => {
    // Act
    const input = tableInputFromTemplate('OrdersTable', 'orders-test');

    // Assess
    expect(input.TableName).toBe('orders-test');
    expect(input.KeySchema).toEqual(
      dig(readTemplate(), 'Resources', 'OrdersTable', 'Properties', 'KeySchema'),
    );
    expect(input.LocalSecondaryIndexes?.[0]?.IndexName).toBe('ByCreatedAt');
    expect(input.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
  });

  it('reports AWS limits that cannot end inside the function timeout', () => {
    // Prepare
    const timeoutMs = functionTimeoutMs('IndexerFunction');

    // Assess
    expect(awsLimitsProblems(limits(1_000), 'IndexerFunction')).toEqual([]);
    expect(awsLimitsProblems(limits(timeoutMs), 'IndexerFunction')).toEqual([
      expect.stringMatching(/^dynamodb: worst case \d+ ms >= \d+ ms$/),
    ]);
    expect(
      awsLimitsProblems({ ...limits(1_000), deadlineMarginMs: 10 }, 'IndexerFunction'),
    ).toEqual(['deadlineMarginMs 10 < 1000']);
  });
});

describe('lambdaContext', () => {
  it('counts the remaining time down from the timeout and names the function', () => {
    // Act
    const context = lambdaContext({ functionName: 'shop-X', timeoutMs: 2_000 });

    // Assess
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(2_000);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(1_000);
    expect(context.invokedFunctionArn).toMatch(/:function:shop-X$/);
    expect(lambdaContext().awsRequestId).not.toBe(context.awsRequestId);
  });
});
