import { HANDLED_FAILURES_METRIC } from '@shop/common/lambda';
import { resourceProperties, rollbackAlarmProblems } from '@shop/testing/template';
import { describe, expect, it } from 'vitest';
import { SERVICE } from '../../src/domain/constants.js';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const statements = (): Statement[] => {
  const policies = resourceProperties('EmailFunction').Policies as Array<{
    Statement?: Statement[];
  }>;
  return policies.flatMap((policy) => policy.Statement ?? []);
};

describe('template.yaml (email)', () => {
  it('lets the function send only as SenderEmail, even when its domain is the verified identity', () => {
    // Act
    const sending = statements().filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('ses:')),
    );

    // Assess
    expect(sending).toHaveLength(1);
    expect(sending[0]?.Effect).toBe('Allow');
    expect(sending[0]?.Action).toBe('ses:SendEmail');
    expect(sending[0]?.Condition).toEqual({
      StringEquals: { 'ses:FromAddress': { Ref: 'SenderEmail' } },
    });
  });

  it("rolls a deployment back on the new version's failed records, not only on its errors", () => {
    // Assess: a version that reports every record as failed never raises Lambda's Errors.
    expect(rollbackAlarmProblems('EmailFunction', SERVICE.name, HANDLED_FAILURES_METRIC)).toEqual(
      [],
    );
  });
});
