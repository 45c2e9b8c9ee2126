import { HANDLED_FAILURES_METRIC, REJECTED_RECORDS_METRIC } from '@shop/common/lambda';
import { rollbackAlarmExpressions, rollbackAlarmProblems } from '@shop/testing/template';
import { describe, expect, it } from 'vitest';
import { SERVICE } from '../../src/domain/constants.js';

describe('template.yaml (indexer)', () => {
  it.each([
    ['IndexerFunction', 'records it reports as failed'],
    ['MediaApiFunction', '5xx answers'],
  ])("rolls %s back on the new version's %s, not only on its errors", (functionId) => {
    // Assess: Lambda's Errors never counts an answered failure.
    expect(rollbackAlarmProblems(functionId, SERVICE.name, HANDLED_FAILURES_METRIC)).toEqual([]);
  });

  it('rolls IndexerFunction back on malformed messages only from 3 a minute: a version refusing them all', () => {
    // Assess: one poison message (redelivered once per visibility timeout) stays under it.
    expect(rollbackAlarmProblems('IndexerFunction', SERVICE.name, REJECTED_RECORDS_METRIC)).toEqual(
      [],
    );
    expect(rollbackAlarmExpressions('IndexerFunction').failures).toBe(
      'FILL(errors, 0) + FILL(handled, 0) + IF(FILL(rejected, 0) >= 3, FILL(rejected, 0), 0)',
    );
  });
});
