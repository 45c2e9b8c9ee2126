import { HANDLED_FAILURES_METRIC, REJECTED_RECORDS_METRIC } from '@shop/common/lambda';
import {
  readTemplate,
  resourceProperties,
  rollbackAlarmExpressions,
  rollbackAlarmProblems,
} from '@shop/testing/template';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadEmailConfig } from '../../src/config.js';
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

  it('rolls back on records refused as bad input only from 3 a minute: a version refusing them all', () => {
    // Assess: one poison message (redelivered once per visibility timeout) stays under it.
    expect(rollbackAlarmProblems('EmailFunction', SERVICE.name, REJECTED_RECORDS_METRIC)).toEqual(
      [],
    );
    expect(rollbackAlarmExpressions('EmailFunction').failures).toBe(
      'FILL(errors, 0) + FILL(handled, 0) + IF(FILL(rejected, 0) >= 3, FILL(rejected, 0), 0)',
    );
  });
});

// CloudFormation checks SenderEmail against its AllowedPattern at deploy time; the function
// checks SENDER_EMAIL at every cold start. A value the first takes and the second refuses
// deploys fine and then fails every message, so the pattern must admit no such value.
describe('template.yaml SenderEmail', () => {
  const parameter = readTemplate().Parameters?.SenderEmail as {
    Default: string;
    AllowedPattern: string;
  };
  const allowed = new RegExp(parameter.AllowedPattern);
  const configures = (address: string) => {
    try {
      loadEmailConfig({ IDEMPOTENCY_TABLE_NAME: 'idempotency', SENDER_EMAIL: address });
      return true;
    } catch {
      return false;
    }
  };

  it('admits the default and plain addresses, and refuses what the function refuses', () => {
    for (const address of [
      parameter.Default,
      'orders@shop.example.co.uk',
      "o'brien+orders@a-b.io",
    ]) {
      expect([address, allowed.test(address), configures(address)]).toEqual([address, true, true]);
    }
    for (const address of [
      'sales&orders@example.com',
      'orders@shop.xn--p1ai',
      'orders@example.com.',
      '.orders@example.com',
      'orders@example',
      'orders @example.com',
      'bestellung@bücher.de',
    ]) {
      expect([address, allowed.test(address), configures(address)]).toEqual([
        address,
        false,
        false,
      ]);
    }
  });

  it('admits no value that the function would refuse at cold start', () => {
    const candidates = fc.oneof(
      fc.emailAddress(),
      fc.string({ unit: fc.constantFrom(..."ab1.-_+'&@ éx".split('')), maxLength: 30 }),
    );
    fc.assert(
      fc.property(candidates, (address) => !allowed.test(address) || configures(address)),
      { numRuns: 3000 },
    );
  });
});
